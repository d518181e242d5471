using BertNotebooks.Modeling;
using BertNotebooks.Native;

namespace BertNotebooks.Cli.Commands;

/// <summary><c>bertnb bench-step</c>: training-step time and matmul efficiency of a MiniLM-shaped BERT.</summary>
public sealed class BenchStepCommand : ICliCommand
{
    public string Name => "bench-step";
    public string Summary => "Time forward+backward+AdamW steps of a MiniLM-shaped BERT [--steps 10 --warmup 2 --batch 8 --seq 128 --device cpu]";

    public Task<int> RunAsync(CliArguments args, CancellationToken cancel)
    {
        var device = Devices.Resolve(args.String("device", "cpu"));
        var progress = new StderrLines();
        var result = TrainingStepBenchmark.Run(
            TrainingStepBenchmark.MiniLMShape(), args.Int("batch", 8), args.Int("seq", 128), args.Int("steps", 10), args.Int("warmup", 2), device, progress);
        Console.WriteLine(result);
        return Task.FromResult(0);
    }

    // Progress<T> would post lines to the thread pool, out of order with the result; these print as they come.
    sealed class StderrLines : IProgress<string>
    {
        public void Report(string value) => Console.Error.WriteLine(value);
    }
}
