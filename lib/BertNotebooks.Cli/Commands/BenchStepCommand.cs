using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using BertNotebooks.Hosting;
using BertNotebooks.Modeling;
using BertNotebooks.Native;
using TorchSharp;

namespace BertNotebooks.Cli.Commands;

/// <summary><c>bertnb bench-step</c>: training-step time and matmul efficiency of a BERT of a given shape.</summary>
public sealed class BenchStepCommand : ICliCommand
{
    readonly Option<string> _preset = CommandLineHost.Defaulted("--preset", "The model's shape: minilm or bert-base", "minilm");
    readonly Option<string> _shapes = CommandLineHost.Defaulted("--shapes", "BATCHxSEQ pairs, comma-separated, e.g. 8x128,32x128", "8x128");
    readonly Option<int> _steps = CommandLineHost.Defaulted("--steps", "Timed steps per shape", 10);
    readonly Option<int> _warmup = CommandLineHost.Defaulted("--warmup", "Untimed steps first", 2);
    readonly Option<string> _device = CommandLineHost.Defaulted("--device", "auto, cpu, cuda or cuda:N", "cpu");
    readonly Option<bool> _tf32 = new("--tf32") { Description = "Allow TF32 matmuls on NVIDIA GPUs (off by default, as in PyTorch)" };
    readonly Option<bool> _json = new("--json") { Description = "One JSON line per shape, as scripts/gpu/hf_step_benchmark.py prints" };

    public Command Create()
    {
        var command = new Command("bench-step", "Time forward+backward+AdamW steps of a BERT of a given shape")
            { _preset, _shapes, _steps, _warmup, _device, _tf32, _json };
        command.SetAction((result, cancel) => Task.FromResult(Run(result)));
        return command;
    }

    int Run(ParseResult args)
    {
        var device = Devices.Resolve(args.GetValue(_device));
        // Off by default, as in PyTorch: TF32 trades float32 matmul precision for speed on NVIDIA GPUs.
        var tf32 = args.GetValue(_tf32);
        if (tf32) torch.backends.cuda.matmul.allow_tf32 = true;
        var preset = args.GetValue(_preset)!;
        var progress = new Progress<string>(line => Console.Error.WriteLine(line));
        var shapes = args.GetValue(_shapes)!.Split(',');
        foreach (var shape in shapes)
        {
            var parts = shape.Split('x');
            if (parts.Length != 2 || !int.TryParse(parts[0], out int batch) || !int.TryParse(parts[1], out int sequence))
                throw new ArgumentException($"--shapes takes BATCHxSEQ pairs such as 8x512,32x128, not '{shape}'.");
            var result = TrainingStepBenchmark.Run(TrainingStepBenchmark.Shape(preset), batch, sequence, args.GetValue(_steps), args.GetValue(_warmup), device, progress);
            Console.WriteLine(args.GetValue(_json) ? Json(preset, result, tf32) : result.ToString());
        }
        return CommandLineHost.Success;
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
