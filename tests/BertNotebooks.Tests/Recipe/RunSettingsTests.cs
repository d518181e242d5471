using BertNotebooks.Recipe;
using BertNotebooks.Training;

namespace BertNotebooks.Tests.Recipe;

public sealed class RunSettingsTests
{
    [Fact]
    public void Every_profile_gives_valid_trainer_arguments_that_reload_the_best_model()
    {
        foreach (var name in RunSettings.Profiles)
        {
            var args = RunSettings.For(name).ToTrainingArguments();
            Assert.True(args.LoadBestModelAtEnd, name);
            Assert.Equal(args.EvalStrategy, args.SaveStrategy);
        }
    }

    [Fact]
    public void The_full_profile_is_the_tutorials_recipe()
    {
        var full = RunSettings.For("full");
        var args = full.ToTrainingArguments();

        Assert.Null(full.MaxTrainDocs);
        Assert.Equal((512, 3.0, 8, 500, 0.01, 400),
            (args.MaxLength, args.NumTrainEpochs, args.PerDeviceTrainBatchSize, args.WarmupSteps, args.WeightDecay, args.EvalSteps));
        Assert.Equal(IntervalStrategy.Steps, args.EvalStrategy);
    }

    [Fact]
    public void Null_parameters_keep_the_profile_and_others_replace_it()
    {
        var quick = RunSettings.For("quick");
        var changed = quick.With(model: "bert-base-uncased", maxLength: 256, seed: null, dataset: "", runName: "mine");

        Assert.Equal("bert-base-uncased", changed.Model);
        Assert.Equal(256, changed.MaxLength);
        Assert.Equal(quick.Seed, changed.Seed);
        Assert.Equal(quick.Dataset, changed.Dataset);
        Assert.EndsWith(Path.Combine("runs", "mine"), changed.RunDir);
    }

    [Fact]
    public void Precision_is_auto_by_default_and_reaches_the_trainer()
    {
        var quick = RunSettings.For("quick");
        Assert.Equal("auto", quick.Precision);
        Assert.Equal("auto", quick.With(precision: null).Precision);
        Assert.Equal("bf16", quick.With(precision: "bf16").ToTrainingArguments().Precision);
        Assert.Throws<ArgumentException>(() => quick.With(precision: "fp8").ToTrainingArguments());
    }

    [Fact]
    public void The_schedule_is_linear_by_default_and_reaches_the_trainer_by_name()
    {
        var quick = RunSettings.For("quick");
        Assert.Equal("linear", quick.ToTrainingArguments().LrSchedulerType);
        Assert.Equal("cosine", (quick with { LrSchedulerType = "cosine" }).ToTrainingArguments().LrSchedulerType);
        Assert.Equal("cosine", quick.With(lrSchedulerType: "cosine").ToTrainingArguments().LrSchedulerType);
        Assert.Equal("linear", quick.With(lrSchedulerType: null).LrSchedulerType);
        var unknown = Assert.Throws<ArgumentException>(() => (quick with { LrSchedulerType = "step" }).ToTrainingArguments());
        Assert.Contains("constant_with_warmup", unknown.Message);
    }

    [Fact]
    public void An_unknown_profile_lists_the_known_ones()
    {
        var e = Assert.Throws<ArgumentException>(() => RunSettings.For("fast"));
        Assert.Contains("smoke, quick, full", e.Message);
    }
}
