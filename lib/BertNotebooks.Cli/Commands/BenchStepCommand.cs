using System.Globalization;
using System.Text.Json;
using BertNotebooks.Modeling;
using BertNotebooks.Native;
using TorchSharp;

namespace BertNotebooks.Cli.Commands;

/// <summary><c>bertnb bench-step</c>: training-step time and matmul efficiency of a BERT of a given shape.</summary>
public sealed class BenchStepCommand : ICliCommand
{
    public string Name => "bench-step";
    public string Summary =>
        "Time forward+backward+AdamW steps [--preset minilm|bert-base --shapes 8x128[,32x128] --steps 10 --warmup 2 --device cpu --tf32 --json]";

    public Task<int> RunAsync(CliArguments args, CancellationToken cancel)
    {
        var device = Devices.Resolve(args.String("device", "cpu"));
        // Off by default, as in PyTorch: TF32 trades float32 matmul precision for speed on NVIDIA GPUs.
        if (args.Has("tf32")) torch.backends.cuda.matmul.allow_tf32 = true;
        var preset = args.String("preset", "minilm")!;
        var progress = new Progress<string>(line => Console.Error.WriteLine(line));
        var shapes = args.String("shapes", $"{args.Int("batch", 8)}x{args.Int("seq", 128)}")!.Split(',');
        foreach (var shape in shapes)
        {
            var parts = shape.Split('x');
            if (parts.Length != 2 || !int.TryParse(parts[0], out int batch) || !int.TryParse(parts[1], out int sequence))
                throw new ArgumentException($"--shapes takes BATCHxSEQ pairs such as 8x512,32x128, not '{shape}'.");
            var result = TrainingStepBenchmark.Run(TrainingStepBenchmark.Shape(preset), batch, sequence, args.Int("steps", 10), args.Int("warmup", 2), device, progress);
            Console.WriteLine(args.Has("json") ? Json(preset, result, args.Has("tf32")) : result.ToString());
        }
        return Task.FromResult(0);
    }

    /// <summary>One line in the form scripts/gpu/hf_step_benchmark.py prints, so scripts/gpu/compare.py can pair them.</summary>
    static string Json(string preset, TrainingStepBenchmark.Result r, bool tf32) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["impl"] = "bertnotebooks", ["preset"] = preset, ["batch"] = r.Batch, ["seq"] = r.Sequence, ["dtype"] = tf32 ? "tf32" : "fp32",
        ["median_step_s"] = r.MedianStepSeconds, ["samples_per_s"] = r.Batch / r.MedianStepSeconds,
        ["achieved_gflops"] = Math.Round(r.AchievedGflops, 1), ["matmul_gflops"] = Math.Round(r.MatmulGflops, 1),
        ["peak_rss_mib"] = r.PeakRssBytes is long b ? Math.Round(b / 1048576.0) : null, ["device"] = r.Device,
    });
}
