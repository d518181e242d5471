using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using BertNotebooks.Export;
using BertNotebooks.Hosting;
using BertNotebooks.Inference;
using BertNotebooks.Native;
using BertNotebooks.Recipe;

namespace BertNotebooks.Cli.Commands;

/// <summary>
/// <c>bertnb bench-predict</c>: what batching by length saves when a run's best model predicts its validation set. Batches
/// in input order (one PredictBatch call per batch, so nothing is reordered) against one call over all texts (sorted by
/// length inside), in turn in one process; the padded tokens of each are exact, the times are as noisy as the machine.
/// With <c>--onnx</c>: ONNX Runtime on the exported model against TorchSharp (both fp32, CPU), the same batches of the same
/// texts, in one process; the model is exported first when best-model/onnx/model.onnx is missing.
/// </summary>
public sealed class BenchPredictCommand : ICliCommand
{
    readonly Option<string> _profile = CommandLineHost.Defaulted("--profile", "The run's profile", "quick");
    readonly Option<string?> _runName = CommandLineHost.Typed<string?>("--run-name",
        "The run folder (default: cli-PROFILE, as bertnb train)");
    readonly Option<int?> _batchSize = CommandLineHost.Typed<int?>("--batch-size",
        "Texts per batch (default: twice the profile's training batch)");
    readonly Option<string> _precision = CommandLineHost.Defaulted("--precision", "fp32, bf16 or auto", "fp32");
    readonly Option<int> _repeats = CommandLineHost.Defaulted("--repeats", "Timed passes of each; the fastest counts", 2);
    readonly Option<string> _device = CommandLineHost.Defaulted("--device", "auto, cpu, cuda or cuda:N", "cpu");
    readonly Option<bool> _onnx = new("--onnx") { Description = "ONNX Runtime against TorchSharp (fp32, CPU) on the same texts" };

    public Command Create()
    {
        var command = new Command("bench-predict", "Prediction on a run's validation set: batches in input order vs sorted by length")
            { _profile, _runName, _batchSize, _precision, _repeats, _device, _onnx };
        command.SetAction((result, cancel) => Task.FromResult(Run(result, cancel)));
        return command;
    }

    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    int Run(ParseResult a, CancellationToken cancel)
    {
        var profile = a.GetValue(_profile)!;
        var run = RunSettings.Open(profile, a.GetValue(_runName) ?? $"cli-{profile}"); // the run's record: its max length
        int batchSize = a.GetValue(_batchSize) ?? 2 * run.BatchSize, repeats = a.GetValue(_repeats);
        if (batchSize < 1 || repeats < 1) throw new ArgumentException("--batch-size and --repeats must be at least 1.");
        var texts = RecipeStages.LoadSplits(run).Validation.Examples.Select(e => e.Text).ToList();
        if (a.GetValue(_onnx)) return OnnxAgainstTorchSharp(RecipeStages.RequireBestModel(run), texts, run.MaxLength, batchSize, repeats);
        using var predictor = Predictor.Load(RecipeStages.RequireBestModel(run), a.GetValue(_device)!, run.MaxLength,
            a.GetValue(_precision)!, kernels: run.Kernels);
        Console.WriteLine(Hardware.Detect(predictor.Device));
        Console.WriteLine($"bench-predict: {run.BestModelDir}, {texts.Count} validation texts, max length {predictor.MaxLength}, " +
            $"batch {batchSize}, {predictor.Precision}");

        predictor.PredictBatch(texts.Take(batchSize).ToList(), batchSize: batchSize); // warm-up: thread pool, allocator
        double inOrder = double.MaxValue, byLength = double.MaxValue;
        IReadOnlyList<Prediction> sorted = [], unsorted = [];
        for (int r = 0; r < repeats && !cancel.IsCancellationRequested; r++)
        {
            var clock = Stopwatch.StartNew();
            unsorted = texts.Chunk(batchSize).SelectMany(chunk => predictor.PredictBatch(chunk, batchSize: batchSize)).ToList();
            inOrder = Math.Min(inOrder, clock.Elapsed.TotalSeconds);
            clock.Restart();
            sorted = predictor.PredictBatch(texts, batchSize: batchSize);
            byLength = Math.Min(byLength, clock.Elapsed.TotalSeconds);
            Console.Error.WriteLine(string.Create(Inv,
                $"repeat {r + 1}/{repeats}: input order {inOrder:F1} s, by length {byLength:F1} s (best so far)"));
        }
        if (sorted.Count != texts.Count) return 130;

        var lengths = unsorted.Select(p => p.TokenCount).ToList();
        long PaddedTokens(IEnumerable<int> order) => order.Chunk(batchSize).Sum(batch => (long)batch.Length * batch.Max());
        long padded = PaddedTokens(lengths), paddedSorted = PaddedTokens(lengths.OrderDescending()), real = lengths.Sum();
        int agree = sorted.Zip(unsorted).Count(p => p.First.Label == p.Second.Label);
        Console.WriteLine(string.Create(Inv, $"tokens: {real} real; padded in input order {padded} ({(double)padded / real:F2}x), " +
            $"by length {paddedSorted} ({(double)paddedSorted / real:F2}x)"));
        Console.WriteLine(string.Create(Inv,
            $"time (best of {repeats}): input order {inOrder:F1} s, by length {byLength:F1} s; labels agree on {agree}/{texts.Count}"));
        Console.WriteLine(string.Create(Inv, $"speed-up by length vs input order: {inOrder / byLength:F2}x"));
        return CommandLineHost.Success;
    }

    static int OnnxAgainstTorchSharp(string modelFolder, IReadOnlyList<string> texts, int maxLength, int batchSize, int repeats)
    {
        Console.WriteLine(Hardware.DetectCpu());
        if (!File.Exists(OnnxExport.ModelPath(modelFolder))) Console.Error.WriteLine($"exported {OnnxExport.Export(modelFolder)}");
        Console.WriteLine($"bench-predict --onnx: {modelFolder}, {texts.Count} validation texts, max length {maxLength}, " +
            $"batch {batchSize}, " +
            $"fp32; TorchSharp {TorchSharp.torch.get_num_threads()} threads, ONNX Runtime its default (one per physical core)");
        var report = OnnxParity.Compare(modelFolder, texts, maxLength, batchSize, repeats, progress: Console.Error.WriteLine);
        Console.WriteLine(string.Create(Inv, $"ONNX Runtime {report.OnnxDocumentsPerSecond:F1} documents/s, " +
            $"TorchSharp {report.TorchSharpDocumentsPerSecond:F1} documents/s (best of {repeats}): " +
            $"ONNX Runtime/TorchSharp {report.OnnxDocumentsPerSecond / report.TorchSharpDocumentsPerSecond:F2}x"));
        Console.WriteLine(string.Create(Inv, $"largest |logit difference| {report.MaxAbsDifference:E2}, " +
            $"same class {report.SameClass}/{report.Documents}, model.onnx {report.OnnxFileBytes / 1e6:F1} MB"));
        return CommandLineHost.Success;
    }
}
