using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using BertNotebooks.Cli.Benchmarks;
using BertNotebooks.Hosting;
using BertNotebooks.Kernels;
using BertNotebooks.Modeling;
using BertNotebooks.Native;
using BertNotebooks.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace BertNotebooks.Cli.Commands;

/// <summary>
/// <c>bertnb bench-step</c>: training-step time and matmul efficiency of a BERT of a given shape. With a precision that
/// resolves to bf16, fp32 and bf16 steps are timed in turn on the same shape and their speed-up printed.
/// </summary>
public sealed class BenchStepCommand : ICliCommand
{
    readonly Option<string> _preset = CommandLineHost.Defaulted("--preset", "The model's shape: minilm or bert-base", "minilm");
    readonly Option<string> _shapes = CommandLineHost.Defaulted("--shapes", "BATCHxSEQ pairs, comma-separated, e.g. 8x128,32x128", "8x128");
    readonly Option<int> _steps = CommandLineHost.Defaulted("--steps", "Timed steps per shape", 10);
    readonly Option<int> _warmup = CommandLineHost.Defaulted("--warmup", "Untimed steps first", 2);
    readonly Option<string> _device = CommandLineHost.Defaulted("--device", "auto, cpu, cuda or cuda:N", "cpu");
    readonly Option<string> _precision = CommandLineHost.Defaulted("--precision", "fp32, bf16 (times fp32 and bf16 in turn) or auto",
        PrecisionChoice.Fp32);
    readonly Option<int?> _threads = new("--threads") { Description = "LibTorch threads (default: one per core)" };
    readonly Option<string> _lastLayer = CommandLineHost.Defaulted("--last-layer",
        "cls: the last layer computes [CLS]'s row alone, as the library's classifier; every-row: every token's, as Hugging " +
        "Face's model (and the scripts' PyTorch peers); both: the two in turn, and the speed-up", LastLayer.Cls);
    readonly Option<string?> _without = new("--without")
    {
        Description = "dropout, embedding-gradient or both (comma-separated): also time the step with that part switched off, " +
            "in turn with the whole step, and print what the part costs (a measurement: such a step is not training)"
    };
    readonly Option<bool> _tf32 = new("--tf32") { Description = "Allow TF32 matmuls on NVIDIA GPUs (off by default, as in PyTorch)" };
    readonly Option<bool> _json = new("--json")
    {
        Description = "One JSON line per shape and precision, as scripts/gpu/hf_step_benchmark.py prints"
    };

    public Command Create()
    {
        var command = new Command("bench-step",
            "Time forward+backward+AdamW steps of a BERT of a given shape; with bf16, fp32 and bf16 in turn")
            { _preset, _shapes, _steps, _warmup, _device, _precision, _threads, _lastLayer, _without, _tf32, _json };
        command.SetAction((result, cancel) => Task.FromResult(Run(result)));
        return command;
    }

    int Run(ParseResult args)
    {
        var device = Devices.Resolve(args.GetValue(_device));
        // LibTorch's default is one thread per core; fewer keep a shared machine's load from stalling its thread barriers.
        if (args.GetValue(_threads) is int threads) torch.set_num_threads(threads);
        var hardware = Hardware.Detect(device);
        Console.WriteLine($"{hardware}; {torch.get_num_threads()} threads");
        var precision = PrecisionChoice.Choose(args.GetValue(_precision)!, hardware);
        Console.WriteLine(precision);
        if (precision.Warning is { } warning) Console.Error.WriteLine("warning: " + warning);
        // Off by default, as in PyTorch: TF32 trades float32 matmul precision for speed on NVIDIA GPUs.
        var tf32 = args.GetValue(_tf32);
        if (tf32) torch.backends.cuda.matmul.allow_tf32 = true;
        var preset = args.GetValue(_preset)!;
        var progress = new Progress<string>(line => Console.Error.WriteLine(line));
        int steps = args.GetValue(_steps), warmup = args.GetValue(_warmup);
        // Emulated bf16 is about 40x slower: a few steps show the ratio.
        if (precision.Warning is not null) (steps, warmup) = (Math.Min(steps, 2), Math.Min(warmup, 1));
        IReadOnlyList<torch.ScalarType?> computeTypes = precision.Bf16 ? [null, torch.ScalarType.BFloat16] : [null];
        IReadOnlyList<bool> lastLayers = LastLayer.FirstTokenOnly(args.GetValue(_lastLayer)!);
        string?[] switchedOff = [null, .. Without(args.GetValue(_without))];
        var variants = computeTypes.SelectMany(dtype => lastLayers.SelectMany(firstTokenOnly => switchedOff.Select(part =>
            new TrainingStepBenchmark.Variant(dtype, firstTokenOnly, part)))).ToList();
        foreach (var shape in args.GetValue(_shapes)!.Split(','))
        {
            var parts = shape.Split('x');
            if (parts.Length != 2 || !int.TryParse(parts[0], out int batch) || !int.TryParse(parts[1], out int sequence))
                throw new ArgumentException($"--shapes takes BATCHxSEQ pairs such as 8x512,32x128, not '{shape}'.");
            var results = TrainingStepBenchmark.Run(TrainingStepBenchmark.Shape(preset), batch, sequence, steps, warmup, device,
                variants, progress);
            foreach (var result in results)
                Console.WriteLine(args.GetValue(_json) ? Json(preset, result, tf32) : result.ToString());
            if (args.GetValue(_json)) continue;
            if (device.type == DeviceType.CPU) PrintDropout(TrainingStepBenchmark.Shape(preset), batch, sequence, precision.Bf16);
            foreach (var (slower, faster, what) in SpeedUps(results))
                Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "speed-up {0}: {1:F2}x", what,
                    slower.MedianStepSeconds / faster.MedianStepSeconds));
            foreach (var without in results.Where(r => r.Without is not null))
            {
                var whole = results.Single(r =>
                    r.Without is null && r.Precision == without.Precision && r.FirstTokenOnly == without.FirstTokenOnly);
                double cost = whole.MedianStepSeconds - without.MedianStepSeconds;
                Console.WriteLine(string.Format(CultureInfo.InvariantCulture,
                    "{0} costs {1:F1} ms of each {2} step ({3:P0}): the median step with it less the median step without it",
                    without.Without, cost * 1e3, without.Precision, cost / whole.MedianStepSeconds));
            }
        }
        return CommandLineHost.Success;
    }

    /// <summary>--without's parts, checked.</summary>
    static IEnumerable<string> Without(string? value) =>
        (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(TrainingStepBenchmark.StepPart.Named).Distinct();

    /// <summary>The pairs of results one way apart: bf16 against fp32 (the same last layer), [CLS] alone against every row
    /// (the same precision).</summary>
    static IEnumerable<(TrainingStepBenchmark.Result Slower, TrainingStepBenchmark.Result Faster, string What)> SpeedUps(
        IReadOnlyList<TrainingStepBenchmark.Result> results)
    {
        var whole = results.Where(r => r.Without is null).ToList();
        foreach (var fp32 in whole.Where(r => r.Precision == PrecisionChoice.Fp32))
            foreach (var bf16 in whole.Where(r => r.Precision != PrecisionChoice.Fp32 && r.FirstTokenOnly == fp32.FirstTokenOnly))
                yield return (fp32, bf16, $"bf16 vs fp32{(fp32.FirstTokenOnly ? "" : " (every row)")}");
        foreach (var everyRow in whole.Where(r => !r.FirstTokenOnly))
            foreach (var cls in whole.Where(r => r.FirstTokenOnly && r.Precision == everyRow.Precision))
                yield return (everyRow, cls, $"{cls.Precision}, the last layer for [CLS] alone vs every row");
    }

    /// <summary>--last-layer's values.</summary>
    static class LastLayer
    {
        public const string Cls = "cls", EveryRow = "every-row", Both = "both";

        /// <summary>The ways to time, as <see cref="TrainingStepBenchmark.Variant.FirstTokenOnly"/> values.</summary>
        public static IReadOnlyList<bool> FirstTokenOnly(string value) => value.Trim().ToLowerInvariant() switch
        {
            Cls => [true],
            EveryRow => [false],
            Both => [true, false],
            _ => throw new ArgumentException($"--last-layer takes {Cls}, {EveryRow} or {Both}, not '{value}'."),
        };
    }

    /// <summary>What the step's dropout costs with LibTorch's CPU bernoulli_ and with the parallel mask the model uses.</summary>
    static void PrintDropout(BertConfig config, int batch, int sequence, bool bf16)
    {
        var shapes = TrainingStepBenchmark.DropoutShapes(config, batch, sequence);
        ScalarType[] dtypes = bf16 ? [ScalarType.Float32, ScalarType.BFloat16] : [ScalarType.Float32];
        foreach (var dtype in dtypes)
        {
            var (libTorch, parallel, elements) = TrainingStepBenchmark.DropoutMilliseconds(shapes, dtype);
            Console.WriteLine(string.Format(CultureInfo.InvariantCulture,
                "dropout of one forward pass ({0} tensors, {1:N0} elements, {2}): LibTorch {3:F1} ms, ParallelDropout {4:F1} ms ({5:F1}x)",
                shapes.Count, elements, dtype == ScalarType.Float32 ? "fp32" : "bf16", libTorch, parallel,
                libTorch / parallel));
        }
    }

    /// <summary>One line in the form scripts/gpu/hf_step_benchmark.py prints, so scripts/gpu/compare.py can pair them.</summary>
    static string Json(string preset, TrainingStepBenchmark.Result r, bool tf32) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["impl"] = "bertnotebooks", ["preset"] = preset, ["batch"] = r.Batch, ["seq"] = r.Sequence,
        ["dtype"] = r.Precision == "fp32" && tf32 ? "tf32" : r.Precision,
        ["median_step_s"] = r.MedianStepSeconds, ["samples_per_s"] = r.Batch / r.MedianStepSeconds,
        ["achieved_gflops"] = Math.Round(r.AchievedGflops, 1), ["matmul_gflops"] = Math.Round(r.MatmulGflops, 1),
        ["step_matmuls_s"] = r.StepMatmulsSeconds, ["first_token_only"] = r.FirstTokenOnly, ["without"] = r.Without,
        ["peak_rss_mib"] = r.PeakRssBytes is long b ? Math.Round(b / 1048576.0) : null, ["device"] = r.Device,
    });
}
