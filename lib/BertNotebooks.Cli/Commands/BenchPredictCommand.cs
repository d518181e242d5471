using System.Diagnostics;
using System.Globalization;
using BertNotebooks.Inference;
using BertNotebooks.Native;
using BertNotebooks.Recipe;

namespace BertNotebooks.Cli.Commands;

/// <summary>
/// <c>bertnb bench-predict</c>: what batching by length saves when a run's best model predicts its validation set. Batches
/// in input order (one PredictBatch call per batch, so nothing is reordered) against one call over all texts (sorted by
/// length inside), in turn in one process; the padded tokens of each are exact, the times are as noisy as the machine.
/// </summary>
public sealed class BenchPredictCommand : ICliCommand
{
    public string Name => "bench-predict";
    public string Summary =>
        "Prediction on a run's validation set: batches in input order vs sorted by length [--profile quick --run-name cli-quick " +
        "--batch-size 32 --precision fp32 --repeats 2 --device cpu]";

    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public Task<int> RunAsync(CliArguments a, CancellationToken cancel)
    {
        var profile = RunSettings.For(a.String("profile", "quick")!);
        var run = profile with { RunName = a.String("run-name", $"cli-{profile.Profile}") };
        int batchSize = a.Int("batch-size", 2 * run.BatchSize), repeats = a.Int("repeats", 2);
        if (batchSize < 1 || repeats < 1) throw new ArgumentException("--batch-size and --repeats must be at least 1.");
        var texts = RecipeStages.LoadSplits(run).Validation.Examples.Select(e => e.Text).ToList();
        using var predictor = Predictor.Load(RecipeStages.RequireBestModel(run), a.String("device", "cpu")!, run.MaxLength, a.String("precision", "fp32")!);
        Console.WriteLine(Hardware.Detect(predictor.Device));
        Console.WriteLine($"bench-predict: {run.BestModelDir}, {texts.Count} validation texts, max length {predictor.MaxLength}, batch {batchSize}, {predictor.Precision}");

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
            Console.Error.WriteLine(string.Create(Inv, $"repeat {r + 1}/{repeats}: input order {inOrder:F1} s, by length {byLength:F1} s (best so far)"));
        }
        if (sorted.Count != texts.Count) return Task.FromResult(130);

        var lengths = unsorted.Select(p => p.TokenCount).ToList();
        long PaddedTokens(IEnumerable<int> order) => order.Chunk(batchSize).Sum(batch => (long)batch.Length * batch.Max());
        long padded = PaddedTokens(lengths), paddedSorted = PaddedTokens(lengths.OrderDescending()), real = lengths.Sum();
        int agree = sorted.Zip(unsorted).Count(p => p.First.Label == p.Second.Label);
        Console.WriteLine(string.Create(Inv, $"tokens: {real} real; padded in input order {padded} ({(double)padded / real:F2}x), by length {paddedSorted} ({(double)paddedSorted / real:F2}x)"));
        Console.WriteLine(string.Create(Inv, $"time (best of {repeats}): input order {inOrder:F1} s, by length {byLength:F1} s; labels agree on {agree}/{texts.Count}"));
        Console.WriteLine(string.Create(Inv, $"speed-up by length vs input order: {inOrder / byLength:F2}x"));
        return Task.FromResult(0);
    }
}
