using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using BertNotebooks.Cli.Benchmarks;
using BertNotebooks.Data;
using BertNotebooks.Hosting;
using BertNotebooks.IO;
using BertNotebooks.Kernels;
using BertNotebooks.Modeling;
using BertNotebooks.Native;
using BertNotebooks.Pretrained;
using BertNotebooks.Recipe;
using BertNotebooks.Tokenization;
using BertNotebooks.Training;
using TorchSharp;
using Padding = BertNotebooks.Tokenization.Padding;

namespace BertNotebooks.Cli.Commands;

/// <summary>
/// <c>bertnb bench-epoch</c>: what dynamic padding with length grouping saves over padding every document to the max
/// length, on one machine in one run. Each epoch time is an ESTIMATE: the mean of real training steps sampled evenly
/// from that epoch's batch order, times its number of batches. Optionally a long run shows flat memory and step time.
/// </summary>
public sealed class BenchEpochCommand : ICliCommand
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    readonly Option<string> _data = CommandLineHost.Defaulted("--data", "The dataset (a RunSettings.Dataset spec)",
        DatasetSpec.NewsgroupsName);
    readonly Option<string?> _archive = CommandLineHost.Typed<string?>("--newsgroups-archive", "A local 20news-bydate.tar.gz");
    readonly Option<string> _model = CommandLineHost.Defaulted("--model", "The pretrained model", PretrainedModels.OfflineDefault);
    readonly Option<int> _maxLength = CommandLineHost.Defaulted("--max-length", "Tokens per document at most (the model's limit if lower)",
        new TrainingArguments().MaxLength);
    readonly Option<int> _batchSize = CommandLineHost.Defaulted("--batch-size", "Documents per step", 16);
    readonly Option<double> _learningRate = CommandLineHost.Defaulted("--learning-rate", "AdamW's learning rate",
        new TrainingArguments().LearningRate);
    readonly Option<int> _sampleSteps = CommandLineHost.Defaulted("--sample-steps", "Timed steps per mode, spread over the epoch", 20);
    readonly Option<int?> _maxTrainDocs = CommandLineHost.Typed<int?>("--max-train-docs",
        "A seeded sample of this many training documents");
    readonly Option<int> _longSteps = CommandLineHost.Defaulted("--long-steps",
        "Then this many steps in a row, for flat memory and step time (0: none)", 0);
    readonly Option<int> _seed = CommandLineHost.Defaulted("--seed", "The seed for sampling and initialisation",
        new TrainingArguments().Seed);
    readonly Option<string> _device = CommandLineHost.Defaulted("--device", "auto, cpu, cuda or cuda:N", "auto");

    public Command Create()
    {
        var command = new Command("bench-epoch",
            "Epoch time: dynamic padding + GroupByLength vs padding to max length (estimated from sampled steps)")
            { _data, _archive, _model, _maxLength, _batchSize, _learningRate, _sampleSteps, _maxTrainDocs, _longSteps, _seed, _device };
        command.SetAction((result, cancel) => Task.FromResult(Run(result, cancel)));
        return command;
    }

    int Run(ParseResult a, CancellationToken cancel)
    {
        int seed = a.GetValue(_seed), samples = a.GetValue(_sampleSteps);
        if (samples < 1) throw new ArgumentException($"--sample-steps must be at least 1, not {samples}.");
        int longSteps = a.GetValue(_longSteps);
        var run = RunSettings.For("full") with
        {
            Dataset = a.GetValue(_data)!,
            Model = a.GetValue(_model)!,
            MaxTrainDocs = a.GetValue(_maxTrainDocs),
            Seed = seed,
        };
        var modelFolder = RecipeStages.PretrainedFolder(run, new Progress<string>(Console.Error.WriteLine));
        var loadOptions = new DatasetLoadOptions
        {
            Newsgroups = a.GetValue(_archive) is { } archive ? new NewsgroupsOptions { LocalSource = archive } : null,
        };
        var splits = RecipeStages.LoadData(run, loadOptions);
        var encoder = BertTextEncoder.FromFolder(modelFolder);
        int maxLength = encoder.FitMaxLength(a.GetValue(_maxLength), new Progress<string>(Console.Error.WriteLine));
        var examples = DatasetPreparation.Tokenize(encoder, splits.Train, maxLength);

        var (model, _) = BertForSequenceClassification.FromPretrained(modelFolder, splits.ClassNames);
        using var __ = model;
        var baseArgs = new TrainingArguments
        {
            PerDeviceTrainBatchSize = a.GetValue(_batchSize), LearningRate = a.GetValue(_learningRate), WeightDecay = 0.01,
            MaxLength = maxLength, Seed = seed, Device = a.GetValue(_device)!, SaveStrategy = IntervalStrategy.No, NumTrainEpochs = 1,
        };
        Console.WriteLine(string.Create(Inv, $"bench-epoch: {Path.GetFileName(modelFolder)}, {examples.Count} documents, " +
            $"max length {maxLength}, batch {baseArgs.PerDeviceTrainBatchSize}, " +
                                             $"{samples} sampled steps per mode (+2 untimed warmup), seed {seed}"));

        try
        {
            var dynamic = Measure("dynamic padding + GroupByLength", model, examples,
                baseArgs with { GroupByLength = true, Padding = Padding.Longest }, samples, cancel);
            var padded = Measure($"padding every document to {maxLength}", model, examples,
                baseArgs with { GroupByLength = false, Padding = Padding.MaxLength }, samples, cancel);
            Console.WriteLine(string.Create(Inv,
                $"ratio (estimated epoch time, padded / dynamic): {padded.EpochSeconds / dynamic.EpochSeconds:F2}x; " +
                                                 $"tokens per epoch (exact): {(double)padded.Tokens / dynamic.Tokens:F2}x"));
            if (longSteps > 0) LongRun(model, examples, baseArgs with { Padding = Padding.MaxLength }, longSteps, cancel);
        }
        catch (OperationCanceledException)
        {
            Console.WriteLine("bench-epoch stopped by Ctrl+C; the figures above are complete, the rest was not measured.");
            return CommandLineHost.Interrupted;
        }
        return CommandLineHost.Success;
    }

    sealed record Timing(double EpochSeconds, long Tokens);

    static Timing Measure(string label, BertForSequenceClassification model, IReadOnlyList<TokenizedExample> examples,
        TrainingArguments args, int samples, CancellationToken cancel)
    {
        var batches = Samplers.EpochBatches(examples, args, epoch: 0);
        var device = Devices.Resolve(args.Device);
        model.to(device);
        CpuKernels.Instance.Apply(model, computeType: null); // as the Trainer, with the kernels on (the default), in fp32
        long tokens = batches.Sum(b =>
            (long)b.Length * Collator.Width(b.Max(i => examples[i].Length), args.Padding, args.MaxLength, args.PadToMultipleOf));
        // Evenly spaced through the real epoch order, so short and long batches are sampled as often as they occur.
        var picked = Enumerable.Range(0, Math.Min(samples, batches.Count))
            .Select(i => batches[(int)((long)i * batches.Count / Math.Min(samples, batches.Count))])
            .ToList();
        using var stepper = new OptimizerStepper(model, args, batches.Count, 0, CpuKernels.Instance);
        model.train();
        foreach (var warm in picked.Take(2)) Step(stepper, examples, warm, device);
        var times = new List<double>();
        foreach (var batch in picked)
        {
            cancel.ThrowIfCancellationRequested();
            times.Add(Step(stepper, examples, batch, device));
        }
        double epoch = times.Average() * batches.Count;
        Console.WriteLine(string.Create(Inv,
            $"{label}: {batches.Count} batches, mean padded length {(double)tokens / examples.Count:F0} tokens, " +
            $"mean step {times.Average() * 1000:F0} ms " +
            $"(over {times.Count} steps), ESTIMATED epoch {TimeSpan.FromSeconds(epoch):hh\\:mm\\:ss}; " +
            $"peak memory so far {Mib(ProcessMemory.PeakResidentBytes)} (VmHWM)"));
        return new Timing(epoch, tokens);
    }

    /// <summary>The Trainer's training step (collate, copy, forward, backward, clip, AdamW), in seconds, waiting for the GPU.</summary>
    static double Step(OptimizerStepper stepper, IReadOnlyList<TokenizedExample> examples, int[] batch, torch.Device device)
    {
        var clock = Stopwatch.StartNew();
        using (var scope = torch.NewDisposeScope())
        {
            stepper.Step(examples, [batch], device);
            if (device.type == DeviceType.CUDA) torch.cuda.synchronize(device);
        }
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>Same-sized steps (every batch padded to the max length) for a long run: time and memory near step 10 vs the end.</summary>
    static void LongRun(BertForSequenceClassification model, IReadOnlyList<TokenizedExample> examples, TrainingArguments args, int steps,
        CancellationToken cancel)
    {
        var device = Devices.Resolve(args.Device);
        model.to(device);
        CpuKernels.Instance.Apply(model, computeType: null);
        using var stepper = new OptimizerStepper(model, args, steps, 0, CpuKernels.Instance);
        model.train();
        var times = new double[steps];
        long? rssAt10 = null;
        var batches = new List<int[]>();
        int perEpoch = Samplers.EpochBatches(examples, args, epoch: 0).Count;
        for (int s = 0; s < steps; s++)
        {
            cancel.ThrowIfCancellationRequested();
            if (batches.Count <= s) batches.AddRange(Samplers.EpochBatches(examples, args,
                batches.Count / perEpoch)); // the next epoch's order
            times[s] = Step(stepper, examples, batches[s], device);
            if (s == 9) rssAt10 = ProcessMemory.ResidentBytes;
            if ((s + 1) % 50 == 0) Console.Error.Write($"\rlong run: step {s + 1}/{steps}   ");
        }
        Console.Error.WriteLine();
        double Around(int step) => times.Skip(Math.Max(0, step - 5)).Take(10).Average() * 1000;
        Console.WriteLine(string.Create(Inv,
            $"long run ({steps} steps, all padded to {args.MaxLength}): " +
            $"step time around step 10 {Around(10):F0} ms, around step {steps} {Around(steps - 5):F0} ms; " +
            $"resident memory at step 10 {Mib(rssAt10)}, at step {steps} {Mib(ProcessMemory.ResidentBytes)}, " +
            $"peak {Mib(ProcessMemory.PeakResidentBytes)} (VmHWM)"));
    }

    static string Mib(long? bytes) => bytes is { } b ? string.Create(Inv, $"{b / 1048576.0:F0} MiB") : "n/a";
}
