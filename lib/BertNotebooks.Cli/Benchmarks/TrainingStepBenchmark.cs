using System.Diagnostics;
using System.Globalization;
using BertNotebooks.IO;
using BertNotebooks.Kernels;
using BertNotebooks.Modeling;
using BertNotebooks.Native;
using BertNotebooks.Tokenization;
using BertNotebooks.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace BertNotebooks.Cli.Benchmarks;

/// <summary>
/// Times the Trainer's training steps (<see cref="OptimizerStepper"/>: forward, backward,
/// clipping, AdamW) of a randomly initialised BERT and compares the achieved
/// matmul throughput with a large float32 matmul measured in the same process, on the same device. Several precisions
/// are timed step by step in turn, so that a machine whose load changes slows them alike and their ratio holds.
/// </summary>
public static class TrainingStepBenchmark
{
    /// <summary>all-MiniLM-L6-v2's shape with a 20-class head: what the notebooks fine-tune.</summary>
    public static BertConfig MiniLMShape() => new()
    {
        VocabSize = 30522, HiddenSize = 384, NumHiddenLayers = 6, NumAttentionHeads = 12, IntermediateSize = 1536,
        NumLabels = 20,
    };

    /// <summary>bert-base-uncased's shape with a 20-class head: the tutorial's model.</summary>
    public static BertConfig BertBaseShape() => new() { NumLabels = 20 };

    /// <summary>"minilm" or "bert-base".</summary>
    public static BertConfig Shape(string preset) => preset.ToLowerInvariant() switch
    {
        "minilm" => MiniLMShape(),
        "bert-base" => BertBaseShape(),
        _ => throw new ArgumentException($"Unknown preset '{preset}'; use minilm or bert-base.", nameof(preset)),
    };

    public const string FlopFormula =
        "FLOPs/step = 3 x [B*T*(L-1)*(8*H^2 + 4*H*F + 4*T*H) + B*T*4*H^2 + B*(4*H^2 + 4*H*F + 4*T*H) + B*(2*H^2 + 2*H*C)]  " +
        "(matmuls only; the last layer: keys and values of every token, the rest for [CLS] alone; backward = 2 x forward)";

    public const string EveryRowFlopFormula =
        "FLOPs/step = 3 x [B*T*L*(8*H^2 + 4*H*F + 4*T*H) + B*(2*H^2 + 2*H*C)]  (matmuls only; backward = 2 x forward)";

    /// <summary>Matmul FLOPs of one forward pass: Q, K, V and output projections, QK^T and AV, the FFN, pooler and classifier;
    /// with <paramref name="firstTokenOnly"/> (the classifier's default), the last layer's for [CLS]'s row alone, save its
    /// keys and values.</summary>
    public static double ForwardFlops(BertConfig c, int batch, int sequence, bool firstTokenOnly = true)
    {
        double b = batch, t = sequence, h = c.HiddenSize, f = c.IntermediateSize;
        double Layer(double queries) => b * t * 4 * h * h + b * queries * (4 * h * h + 4 * h * f + 4 * t * h);
        int fullLayers = firstTokenOnly ? c.NumHiddenLayers - 1 : c.NumHiddenLayers;
        return fullLayers * Layer(t) + (firstTokenOnly ? Layer(1) : 0) + b * (2 * h * h + 2 * h * c.NumLabels);
    }

    /// <param name="Precision">"fp32", or "bf16" for bfloat16 matmuls (<see cref="AutocastLinear"/>)</param>
    /// <param name="FirstTokenOnly">the last layer computed [CLS]'s row alone (the classifier's default), or every row</param>
    /// <param name="Without">the part of the step switched off to see what it costs (<see cref="StepPart"/>); null: none</param>
    public sealed record Result(
        BertConfig Config, int Batch, int Sequence, string Device, string Precision, bool FirstTokenOnly, double MedianStepSeconds,
        double StepFlops, double MatmulGflops, double StepMatmulsSeconds, long? PeakRssBytes, string? Without = null)
    {
        public double AchievedGflops => StepFlops / MedianStepSeconds / 1e9;

        public override string ToString()
        {
            var inv = CultureInfo.InvariantCulture;
            var peak = PeakRssBytes is long bytes
                ? string.Format(inv, "{0:F0} MiB (VmHWM)", bytes / 1048576.0)
                : "n/a (this OS keeps no peak)";
            string[] lines =
            [
                string.Format(inv,
                    "model: hidden {0}, {1} layers, {2} heads, FFN {3}, vocab {4}, {5} labels; batch {6}, seq {7}; device {8}",
                    Config.HiddenSize, Config.NumHiddenLayers, Config.NumAttentionHeads, Config.IntermediateSize, Config.VocabSize,
                    Config.NumLabels, Batch, Sequence, Device),
                string.Format(inv, "median {0} step (forward + backward + clipping + AdamW; the last layer {1}{2}): {3:F1} ms",
                    Precision, FirstTokenOnly ? "for [CLS] alone" : "for every token", Without is null ? "" : "; without " + Without,
                    MedianStepSeconds * 1e3),
                string.Format(inv, "matmul work per step: {0:F2} GFLOP; {1}", StepFlops / 1e9,
                    FirstTokenOnly ? FlopFormula : EveryRowFlopFormula),
                string.Format(inv, "achieved: {0:F1} GFLOP/s", AchievedGflops),
                string.Format(inv, "float32 matmul 2048x2048x2048 in this process (timed between the steps): {0:F1} GFLOP/s",
                    MatmulGflops),
                // A bf16 step is compared with the float32 matmul too, so its ratio may exceed 1; the label says so.
                string.Format(inv, Precision == "fp32" ? "ratio achieved / matmul: {0:F2}" : "ratio achieved / float32 matmul: {0:F2}",
                    AchievedGflops / MatmulGflops),
                .. Precision == "fp32" ? MatmulShare(inv) : [],
                $"peak memory: {peak}",
            ];
            return string.Join(Environment.NewLine, lines);
        }

        /// <summary>Where a float32 step's time goes: its own matmuls, timed alone at its shapes, and everything else.</summary>
        string[] MatmulShare(CultureInfo inv) =>
        [
            string.Format(inv, "the step's matmuls alone, at its shapes: {0:F1} ms ({1:F2} of the 2048^3 matmul's rate)",
                StepMatmulsSeconds * 1e3, StepFlops / StepMatmulsSeconds / 1e9 / MatmulGflops),
            string.Format(inv, "everything else (softmax, dropout, LayerNorm, GELU, embedding gradient, clipping, AdamW, " +
                "thread barriers): {0:F1} ms, {1:P0} of the step", (MedianStepSeconds - StepMatmulsSeconds) * 1e3,
                1 - StepMatmulsSeconds / MedianStepSeconds),
        ];
    }

    /// <summary>One way to step: a precision, and whether the last layer computes [CLS]'s row alone.</summary>
    /// <param name="ComputeType">null for float32, BFloat16 for bf16 mixed precision</param>
    /// <param name="FirstTokenOnly">false: the last layer computes every token's row, as Hugging Face's model does
    /// (<see cref="BertForSequenceClassification.FirstTokenOnlyInLastLayer"/>)</param>
    /// <param name="Without">a part of the step switched off (<see cref="StepPart"/>), to time what it costs; null: the whole step</param>
    public readonly record struct Variant(ScalarType? ComputeType, bool FirstTokenOnly = true, string? Without = null)
    {
        public string Precision => ComputeType is null ? PrecisionChoice.Fp32 : PrecisionChoice.Bf16Name;
        public string Name => (FirstTokenOnly ? Precision : Precision + ", every row") + (Without is null ? "" : ", without " + Without);
    }

    /// <summary>
    /// The parts of a step <c>--without</c> can switch off, so that the whole step and the step without one, timed in turn in
    /// one process, tell what that part costs. A measurement, not a way to train: without them it is another computation.
    /// </summary>
    public static class StepPart
    {
        /// <summary>Every dropout module in eval mode: no masks drawn, none applied forward or backward.</summary>
        public const string Dropout = "dropout";
        /// <summary>The word embeddings frozen: no 30,522 x H gradient to build, clip or update.</summary>
        public const string EmbeddingGradient = "embedding-gradient";

        public static readonly IReadOnlyList<string> All = [Dropout, EmbeddingGradient];

        /// <summary>The part <paramref name="name"/> names (in any case), or an error that lists them.</summary>
        public static string Named(string name) =>
            All.FirstOrDefault(part => part.Equals(name.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"--without takes {string.Join(" or ", All)} (comma-separated), not '{name}'.");

        /// <summary>Switches <paramref name="part"/> off in <paramref name="model"/> (before its optimizer is made).</summary>
        public static void SwitchOff(BertForSequenceClassification model, string part)
        {
            switch (Named(part))
            {
                case Dropout:
                    foreach (var module in model.modules().Where(m => m is ParallelDropout or TorchSharp.Modules.Dropout)) module.eval();
                    break;
                case EmbeddingGradient:
                    model.named_parameters().Single(p => p.name.EndsWith("word_embeddings.weight", StringComparison.Ordinal))
                        .parameter.requires_grad = false;
                    break;
            }
        }
    }

    /// <param name="variants">the ways to time, stepped in turn</param>
    /// <param name="progress">receives a line per phase and per timed step</param>
    /// <returns>one result per entry of <paramref name="variants"/>, in that order</returns>
    public static IReadOnlyList<Result> Run(BertConfig config, int batch, int sequence, int steps, int warmupSteps, Device device,
        IReadOnlyList<Variant> variants, IProgress<string>? progress = null)
    {
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), steps, "--steps must be at least 1.");
        if (batch < 1) throw new ArgumentOutOfRangeException(nameof(batch), batch, "--batch must be at least 1.");
        if (sequence < 1 || sequence > config.MaxPositionEmbeddings)
            throw new ArgumentOutOfRangeException(nameof(sequence), sequence,
                $"--seq must be between 1 and max_position_embeddings {config.MaxPositionEmbeddings}.");

        using var ids = randint(0, config.VocabSize, [batch, sequence], dtype: ScalarType.Int64, device: device);
        using var mask = ones([batch, sequence], dtype: ScalarType.Int64, device: device);
        using var types = zeros([batch, sequence], dtype: ScalarType.Int64, device: device);
        using var labels = randint(0, config.NumLabels, [batch], dtype: ScalarType.Int64, device: device);
        var data = new EncodedBatch(ids, mask, types, labels);
        var runs = variants.Select(variant => new StepRun(config, device, variant, new StepMatmuls(config, batch, sequence,
            variant.FirstTokenOnly))).ToList();
        var referenceTimes = new List<double>();
        try
        {
            for (int i = 0; i < warmupSteps; i++)
                foreach (var run in runs) { run.Step(data); progress?.Report($"{run.Variant.Name} warm-up step {i + 1}/{warmupSteps}"); }
            for (int i = 0; i < steps; i++)
                foreach (var run in runs)
                {
                    run.Times.Add(run.Step(data));
                    progress?.Report(string.Format(CultureInfo.InvariantCulture, "{0} step {1}/{2}: {3:F1} ms", run.Variant.Name,
                        i + 1, steps, run.Times[^1] * 1e3));
                    // The references between the steps, not after them: a shared machine whose speed drifts slows both alike.
                    run.MatmulTimes.Add(run.Matmuls.Seconds(device));
                    referenceTimes.Add(LargeMatmulSeconds(device));
                }
        }
        finally
        {
            foreach (var run in runs) run.Dispose();
        }
        var matmulGflops = 2.0 * LargeMatmulSize * LargeMatmulSize * LargeMatmulSize / Median(referenceTimes) / 1e9;
        return runs.Select(run => new Result(config, batch, sequence, device.ToString(), run.Variant.Precision,
            run.Variant.FirstTokenOnly, Median(run.Times), 3 * ForwardFlops(config, batch, sequence, run.Variant.FirstTokenOnly),
            matmulGflops, Median(run.MatmulTimes), ProcessMemory.PeakResidentBytes, run.Variant.Without)).ToList();
    }

    /// <summary>One model and the Trainer's optimizer setup, stepped one way (<see cref="Variant"/>), and the step's matmuls
    /// alone; the same seed gives every way the same weights.</summary>
    sealed class StepRun : IDisposable
    {
        readonly BertForSequenceClassification model;
        readonly OptimizerStepper stepper;
        readonly Device device;

        public Variant Variant { get; }
        public StepMatmuls Matmuls { get; }
        /// <summary>The seconds of the timed steps (the caller adds them; warm-up steps are not kept).</summary>
        public List<double> Times { get; } = [];
        /// <summary>The seconds of the step's matmuls alone, timed after each step.</summary>
        public List<double> MatmulTimes { get; } = [];

        public StepRun(BertConfig config, Device device, Variant variant, StepMatmuls matmuls)
        {
            manual_seed(0);
            model = new BertForSequenceClassification(config) { FirstTokenOnlyInLastLayer = variant.FirstTokenOnly };
            model.to(device).train();
            CpuKernels.Instance.Apply(model, variant.ComputeType); // as the Trainer, with the kernels on (the default)
            if (variant.Without is { } part) StepPart.SwitchOff(model, part);
            // The Trainer's defaults with the tutorial's weight decay; a constant rate, as the benchmark has no end.
            var args = new TrainingArguments { WeightDecay = 0.01, LrSchedulerType = LearningRateSchedule.Constant };
            stepper = new OptimizerStepper(model, args, totalSteps: 1, warmupSteps: 0, CpuKernels.Instance);
            this.device = device;
            Variant = variant;
            Matmuls = matmuls;
        }

        /// <summary>The Trainer's step (forward, backward, clipping, AdamW, zero_grad); returns the seconds it took.</summary>
        public double Step(EncodedBatch data)
        {
            var clock = Stopwatch.StartNew();
            using (var scope = NewDisposeScope())
            {
                stepper.Step([data]);
                Synchronize(device);
            }
            return clock.Elapsed.TotalSeconds;
        }

        public void Dispose()
        {
            stepper.Dispose();
            model.Dispose();
        }
    }

    /// <summary>The shapes one training forward pass drops out, in order: the embeddings; for each layer the attention
    /// probabilities and the two residual branches; the pooled vector.</summary>
    public static IReadOnlyList<long[]> DropoutShapes(BertConfig c, int batch, int sequence)
    {
        long[] hidden = [batch, sequence, c.HiddenSize];
        var layer = new[] { new long[] { batch, c.NumAttentionHeads, sequence, sequence }, hidden, hidden };
        return [hidden, .. Enumerable.Repeat(layer, c.NumHiddenLayers).SelectMany(l => l), [batch, c.HiddenSize]];
    }

    /// <summary>
    /// Median milliseconds of LibTorch's dropout and of <see cref="ParallelDropout"/> over tensors of
    /// <paramref name="shapes"/> and <paramref name="dtype"/> (p 0.1), in turn in this process: the part of the step the
    /// parallel mask removed. Elements: how many the tensors hold together.
    /// </summary>
    public static (double LibTorchMs, double ParallelMs, long Elements) DropoutMilliseconds(IReadOnlyList<long[]> shapes,
        ScalarType dtype, int repeats = 5)
    {
        using var scope = NewDisposeScope();
        var inputs = shapes.Select(shape => ones(shape, dtype)).ToList();
        double Time(Func<Tensor, Tensor> dropout)
        {
            var clock = Stopwatch.StartNew();
            foreach (var x in inputs) dropout(x).Dispose();
            return clock.Elapsed.TotalMilliseconds;
        }
        var (libTorch, parallel) = (new List<double>(), new List<double>());
        for (int i = 0; i <= repeats; i++) // the first round warms up both
        {
            var (a, b) = (Time(x => nn.functional.dropout(x, 0.1, training: true)), Time(x => ParallelDropout.Apply(x, 0.1, true)));
            if (i == 0) continue;
            libTorch.Add(a);
            parallel.Add(b);
        }
        return (Median(libTorch), Median(parallel), inputs.Sum(x => x.numel()));
    }

    const int LargeMatmulSize = 2048;

    /// <summary>Seconds of one 2048 x 2048 x 2048 float32 matmul, the measure of what the device's matmul can do; the
    /// operands are made and freed around it.</summary>
    static double LargeMatmulSeconds(Device device)
    {
        using var a = randn([LargeMatmulSize, LargeMatmulSize], device: device);
        using var b = randn([LargeMatmulSize, LargeMatmulSize], device: device);
        var clock = Stopwatch.StartNew();
        using (var c = a.matmul(b)) Synchronize(device);
        return clock.Elapsed.TotalSeconds;
    }

    internal static void Synchronize(Device device)
    {
        if (device.type == DeviceType.CUDA) cuda.synchronize(device);
    }

    static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }
}
