using BertNotebooks.Training;

namespace BertNotebooks.Tests.Training;

public sealed class TrainingArgumentsTests
{
    public static TheoryData<TrainingArguments, string> Invalid => new()
    {
        { new() { LoadBestModelAtEnd = true, EvalStrategy = IntervalStrategy.Epoch, SaveStrategy = IntervalStrategy.Steps },
            "save and eval strategy to match" },
        { new() { LoadBestModelAtEnd = true, EvalStrategy = IntervalStrategy.Steps, EvalSteps = 30, SaveSteps = 50 },
            "SaveSteps 50 is not a multiple of EvalSteps 30" },
        { new() { LoadBestModelAtEnd = true }, "set EvalStrategy to Steps or Epoch" },
        { new() { PerDeviceTrainBatchSize = 0 }, "PerDeviceTrainBatchSize must be positive" },
        { new() { GradientAccumulationSteps = -1 }, "GradientAccumulationSteps must be positive" },
        { new() { NumTrainEpochs = 0 }, "set NumTrainEpochs > 0 or MaxSteps > 0" },
        { new() { LearningRate = double.NaN }, "LearningRate must be a finite number" },
        { new() { WarmupSteps = 10, WarmupRatio = 0.1 }, "not both" },
        { new() { AdamBeta2 = 1 }, "AdamBeta2 must be in [0, 1)" },
        { new() { SaveTotalLimit = 0 }, "SaveTotalLimit must be positive" },
        { new() { EvalStrategy = IntervalStrategy.Steps, LoggingSteps = 0, LoggingStrategy = IntervalStrategy.No },
            "EvalSteps (or LoggingSteps, its fallback) must be positive" },
        { new() { EarlyStoppingPatience = 3 }, "EarlyStoppingPatience needs LoadBestModelAtEnd" },
        { new() { OutputDir = " " }, "OutputDir must be set" },
        { new() { Precision = "fp16" }, "Unknown precision 'fp16'. Use auto" },
        { new() { PadToMultipleOf = 0 }, "PadToMultipleOf must be positive (1: pad each batch to its longest exactly)" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void InconsistentArgumentsAreRejectedWithTheFix(TrainingArguments args, string message)
    {
        var error = Assert.Throws<ArgumentException>(() => args.Validate());
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void DefaultsAreHuggingFaceDefaultsAndValid()
    {
        var args = new TrainingArguments().Validate();
        Assert.Equal(5e-5, args.LearningRate);
        Assert.Equal(1.0, args.MaxGradNorm);
        Assert.Equal("eval_loss", args.MetricKey);
        Assert.False(args.IsGreaterBetter);
        Assert.True((args with { MetricForBestModel = "accuracy" }).IsGreaterBetter);
        Assert.Equal("eval_accuracy", (args with { MetricForBestModel = "accuracy" }).MetricKey);
        Assert.Equal(500, (args with { EvalStrategy = IntervalStrategy.Steps }).EffectiveEvalSteps);
    }

    [Fact]
    public void MatchingStepStrategiesWithAMultipleAreAccepted() =>
        new TrainingArguments
        {
            LoadBestModelAtEnd = true, EvalStrategy = IntervalStrategy.Steps, EvalSteps = 25, SaveSteps = 50, EarlyStoppingPatience = 2
        }.Validate();
}
