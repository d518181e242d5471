using System.Text.Json.Serialization;
using BertNotebooks.Tokenization;

namespace BertNotebooks.Training;

/// <summary>
/// The knobs of the Hugging Face Trainer, under the same names (PascalCase) and defaults. Call <see cref="Validate"/> (the
/// Trainer does) to get HF's errors for inconsistent choices before any work starts.
/// </summary>
public sealed record TrainingArguments
{
    public string OutputDir { get; init; } = "trainer_output";
    public double NumTrainEpochs { get; init; } = 3;
    /// <summary>When positive, the number of optimizer steps, overriding <see cref="NumTrainEpochs"/>.</summary>
    public int MaxSteps { get; init; } = -1;
    public int PerDeviceTrainBatchSize { get; init; } = 8;
    public int PerDeviceEvalBatchSize { get; init; } = 8;
    public int GradientAccumulationSteps { get; init; } = 1;

    public double LearningRate { get; init; } = 5e-5;
    /// <summary>HF's lr_scheduler_type: "linear" (the default), "cosine", "constant" or "constant_with_warmup"
    /// (<see cref="LearningRateSchedule"/>).</summary>
    public string LrSchedulerType { get; init; } = LearningRateSchedule.Linear;
    /// <summary>Linear warmup steps; when 0, <see cref="WarmupRatio"/> of the total steps (rounded up) is used.</summary>
    public int WarmupSteps { get; init; }
    public double WarmupRatio { get; init; }
    public double WeightDecay { get; init; }
    public double AdamBeta1 { get; init; } = 0.9;
    public double AdamBeta2 { get; init; } = 0.999;
    public double AdamEpsilon { get; init; } = 1e-8;
    /// <summary>Gradients are clipped to this total L2 norm; 0 turns clipping off (the norm is still logged).</summary>
    public double MaxGradNorm { get; init; } = 1.0;

    public IntervalStrategy LoggingStrategy { get; init; } = IntervalStrategy.Steps;
    public int LoggingSteps { get; init; } = 500;
    public IntervalStrategy EvalStrategy { get; init; } = IntervalStrategy.No;
    /// <summary>Evaluate every this many steps; 0 means "same as <see cref="LoggingSteps"/>", as in HF.</summary>
    public int EvalSteps { get; init; }
    public IntervalStrategy SaveStrategy { get; init; } = IntervalStrategy.Steps;
    public int SaveSteps { get; init; } = 500;
    /// <summary>Keep at most this many checkpoints (the best one is always kept); null keeps all.</summary>
    public int? SaveTotalLimit { get; init; }

    public bool LoadBestModelAtEnd { get; init; }
    /// <summary>"loss" (eval_loss, lower is better) by default, or any logged eval metric such as "accuracy" or "f1_macro".</summary>
    public string? MetricForBestModel { get; init; }
    /// <summary>Null: true unless the metric is a loss, as in HF.</summary>
    public bool? GreaterIsBetter { get; init; }
    /// <summary>Stop when the best metric has not improved for this many evaluations (HF's EarlyStoppingCallback).</summary>
    public int? EarlyStoppingPatience { get; init; }

    /// <summary>Seeds the batch order (with the epoch) and dropout (with the step). Seed the model's initialisation yourself
    /// (<see cref="Reproducibility.SetSeed"/>) before building it.</summary>
    public int Seed { get; init; } = 42;
    /// <summary>HF's group_by_length: batches of similar lengths (less padding), random across megabatches.</summary>
    public bool GroupByLength { get; init; }
    /// <summary>Longest to pad each batch: its longest example (dynamic padding) or always <see cref="MaxLength"/>.</summary>
    public Padding Padding { get; init; } = Padding.Longest;
    /// <summary>
    /// HF's DataCollatorWithPadding(pad_to_multiple_of=8): a batch padded to its longest example is padded further, to the
    /// next multiple of this (1: not at all). Why 8: batches then come in a few widths instead of every width, so each step's
    /// tensors have the sizes of earlier steps' and reuse their freed memory, where other sizes would leave it in pieces
    /// and take more. Measured on the quick profile (04-training alone, bf16, 600 steps): peak resident 3.0 GB → 2.0 GB, flat
    /// instead of growing at every step; it adds 1.8% tokens (<see cref="PaddingCost"/>), less than it saves in page faults.
    /// </summary>
    public int PadToMultipleOf { get; init; } = 8;
    public int MaxLength { get; init; } = BertTextEncoder.MaxSupportedLength;
    /// <summary>The tokenizer's [PAD] id, which batches are padded with (<see cref="BertTextEncoder.PadTokenId"/>; 0 in
    /// BERT's vocabularies).</summary>
    public int PadTokenId { get; init; }
    /// <summary>"auto", "cpu", "cuda" or "cuda:N".</summary>
    public string Device { get; init; } = "auto";
    /// <summary>
    /// HF's bf16 switch as one setting: "bf16" trains and evaluates with bfloat16 matmuls (autocast, float32 master weights),
    /// "fp32" without, "auto" (the default) bf16 only where the hardware has bf16 units. See <see cref="PrecisionChoice.Choose"/>.
    /// </summary>
    public string Precision { get; init; } = PrecisionChoice.Auto;

    /// <summary>The metric name as logged (eval_loss, eval_accuracy, …).</summary>
    [JsonIgnore]
    public string MetricKey
    {
        get
        {
            var name = MetricForBestModel ?? "loss";
            return name.StartsWith("eval_", StringComparison.Ordinal) ? name : "eval_" + name;
        }
    }

    [JsonIgnore] public bool IsGreaterBetter => GreaterIsBetter ?? !MetricKey.EndsWith("loss", StringComparison.Ordinal);
    [JsonIgnore] public int EffectiveEvalSteps => EvalSteps > 0 ? EvalSteps : LoggingSteps;

    /// <summary>Throws <see cref="ArgumentException"/> naming the argument and the fix, as HF's TrainingArguments.__post_init__.</summary>
    public TrainingArguments Validate()
    {
        static void Require(bool ok, string message) { if (!ok) throw new ArgumentException(message); }
        Require(MaxSteps > 0 || NumTrainEpochs > 0, $"NumTrainEpochs is {NumTrainEpochs} and MaxSteps is {MaxSteps}: " +
            "set NumTrainEpochs > 0 or MaxSteps > 0.");
        Require(PerDeviceTrainBatchSize > 0, $"PerDeviceTrainBatchSize must be positive, not {PerDeviceTrainBatchSize}.");
        Require(PerDeviceEvalBatchSize > 0, $"PerDeviceEvalBatchSize must be positive, not {PerDeviceEvalBatchSize}.");
        Require(GradientAccumulationSteps > 0, $"GradientAccumulationSteps must be positive, not {GradientAccumulationSteps}.");
        Require(double.IsFinite(LearningRate) && LearningRate >= 0, $"LearningRate must be a finite number >= 0, not {LearningRate}.");
        LearningRateSchedule.RequireKnown(LrSchedulerType);
        Require(WarmupSteps >= 0, $"WarmupSteps must be >= 0, not {WarmupSteps}.");
        Require(WarmupRatio is >= 0 and <= 1, $"WarmupRatio must be in [0, 1], not {WarmupRatio}.");
        Require(WarmupSteps == 0 || WarmupRatio == 0, $"Set WarmupSteps ({WarmupSteps}) or WarmupRatio ({WarmupRatio}), not both.");
        Require(WeightDecay >= 0, $"WeightDecay must be >= 0, not {WeightDecay}.");
        Require(AdamBeta1 is >= 0 and < 1, $"AdamBeta1 must be in [0, 1), not {AdamBeta1}.");
        Require(AdamBeta2 is >= 0 and < 1, $"AdamBeta2 must be in [0, 1), not {AdamBeta2}.");
        Require(AdamEpsilon >= 0, $"AdamEpsilon must be >= 0, not {AdamEpsilon}.");
        Require(MaxGradNorm >= 0, $"MaxGradNorm must be >= 0 (0 turns clipping off), not {MaxGradNorm}.");
        PrecisionChoice.Normalise(Precision);
        Require(MaxLength > 0, $"MaxLength must be positive, not {MaxLength}.");
        Require(PadToMultipleOf > 0, $"PadToMultipleOf must be positive (1: pad each batch to its longest exactly), " +
            $"not {PadToMultipleOf}.");
        Require(LoggingStrategy != IntervalStrategy.Steps || LoggingSteps > 0,
            $"LoggingStrategy is Steps, so LoggingSteps must be positive, not {LoggingSteps}.");
        Require(EvalStrategy != IntervalStrategy.Steps || EffectiveEvalSteps > 0,
            $"EvalStrategy is Steps, so EvalSteps (or LoggingSteps, its fallback) must be positive; EvalSteps is {EvalSteps}.");
        Require(SaveStrategy != IntervalStrategy.Steps || SaveSteps > 0, $"SaveStrategy is Steps, so SaveSteps must be positive, " +
            $"not {SaveSteps}.");
        Require(SaveTotalLimit is null or > 0, $"SaveTotalLimit must be positive (or null to keep every checkpoint), " +
            $"not {SaveTotalLimit}.");
        Require(!string.IsNullOrWhiteSpace(OutputDir), "OutputDir must be set: checkpoints go there, " +
            "also the one saved when training is cancelled.");
        if (LoadBestModelAtEnd)
        {
            Require(EvalStrategy != IntervalStrategy.No, "LoadBestModelAtEnd needs evaluations to pick the best model: " +
                "set EvalStrategy to Steps or Epoch.");
            Require(EvalStrategy == SaveStrategy,
                $"LoadBestModelAtEnd requires the save and eval strategy to match, " +
                    $"but found EvalStrategy {EvalStrategy} and SaveStrategy {SaveStrategy}.");
            Require(EvalStrategy != IntervalStrategy.Steps || SaveSteps % EffectiveEvalSteps == 0,
                $"LoadBestModelAtEnd requires SaveSteps to be a round multiple of EvalSteps, " +
                    $"but SaveSteps {SaveSteps} is not a multiple of EvalSteps {EffectiveEvalSteps}.");
        }
        if (EarlyStoppingPatience is { } patience)
        {
            Require(patience > 0, $"EarlyStoppingPatience must be positive, not {patience}.");
            Require(LoadBestModelAtEnd, "EarlyStoppingPatience needs LoadBestModelAtEnd = true (as HF's EarlyStoppingCallback), " +
                "so that the best model is kept.");
        }
        return this;
    }
}
