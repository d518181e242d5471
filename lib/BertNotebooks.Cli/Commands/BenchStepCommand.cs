using System.Globalization;
using System.Text.Json;
using BertNotebooks.Modeling;
using BertNotebooks.Native;
using BertNotebooks.Training;
using TorchSharp;

namespace BertNotebooks.Cli.Commands;

/// <summary>
/// <c>bertnb bench-step</c>: training-step time and matmul efficiency of a BERT of a given shape. With a precision that
/// resolves to bf16, fp32 and bf16 steps are timed in turn on the same shape and their speed-up printed.
/// </summary>
public sealed class BenchStepCommand : ICliCommand
{
    public string Name => "bench-step";
    public string Summary =>
        "Time forward+backward+AdamW steps [--preset minilm|bert-base --shapes 8x128[,32x128] --steps 10 --warmup 2 --device cpu " +
        "--precision fp32|bf16|auto (bf16: fp32 and bf16 in turn) --threads N --tf32 --json]";

    public Task<int> RunAsync(CliArguments args, CancellationToken cancel)
    {
        var device = Devices.Resolve(args.String("device", "cpu"));
        // LibTorch's default is one thread per core; fewer keep a shared machine's load from stalling its thread barriers.
        if (args.Has("threads")) torch.set_num_threads(args.Int("threads", 1));
        var hardware = Hardware.Detect(device);
        Console.WriteLine($"{hardware}; {torch.get_num_threads()} threads");
        var precision = PrecisionChoice.Choose(args.String("precision", PrecisionChoice.Fp32), hardware);
        Console.WriteLine(precision);
        if (precision.Warning is { } warning) Console.Error.WriteLine("warning: " + warning);
        // Off by default, as in PyTorch: TF32 trades float32 matmul precision for speed on NVIDIA GPUs.
        if (args.Has("tf32")) torch.backends.cuda.matmul.allow_tf32 = true;
        var preset = args.String("preset", "minilm")!;
        var progress = new Progress<string>(line => Console.Error.WriteLine(line));
        int steps = args.Int("steps", 10), warmup = args.Int("warmup", 2);
        // Emulated bf16 is about 40x slower: a few steps show the ratio.
        if (precision.Warning is not null) (steps, warmup) = (Math.Min(steps, 2), Math.Min(warmup, 1));
        IReadOnlyList<torch.ScalarType?> computeTypes = precision.Bf16 ? [null, torch.ScalarType.BFloat16] : [null];
        var shapes = args.String("shapes", $"{args.Int("batch", 8)}x{args.Int("seq", 128)}")!.Split(',');
        foreach (var shape in shapes)
        {
            var parts = shape.Split('x');
            if (parts.Length != 2 || !int.TryParse(parts[0], out int batch) || !int.TryParse(parts[1], out int sequence))
                throw new ArgumentException($"--shapes takes BATCHxSEQ pairs such as 8x512,32x128, not '{shape}'.");
            var results = TrainingStepBenchmark.Run(TrainingStepBenchmark.Shape(preset), batch, sequence, steps, warmup, device, computeTypes, progress);
            foreach (var result in results)
                Console.WriteLine(args.Has("json") ? Json(preset, result, args.Has("tf32")) : result.ToString());
            if (results.Count == 2 && !args.Has("json"))
                Console.WriteLine(string.Format(CultureInfo.InvariantCulture, "speed-up bf16 vs fp32: {0:F2}x", results[0].MedianStepSeconds / results[1].MedianStepSeconds));
        }
        return Task.FromResult(0);
    }

    /// <summary>One line in the form scripts/gpu/hf_step_benchmark.py prints, so scripts/gpu/compare.py can pair them.</summary>
    static string Json(string preset, TrainingStepBenchmark.Result r, bool tf32) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["impl"] = "bertnotebooks", ["preset"] = preset, ["batch"] = r.Batch, ["seq"] = r.Sequence,
        ["dtype"] = r.Precision == "fp32" && tf32 ? "tf32" : r.Precision,
        ["median_step_s"] = r.MedianStepSeconds, ["samples_per_s"] = r.Batch / r.MedianStepSeconds,
        ["achieved_gflops"] = Math.Round(r.AchievedGflops, 1), ["matmul_gflops"] = Math.Round(r.MatmulGflops, 1),
        ["peak_rss_mib"] = r.PeakRssBytes is long b ? Math.Round(b / 1048576.0) : null, ["device"] = r.Device,
    });
}
