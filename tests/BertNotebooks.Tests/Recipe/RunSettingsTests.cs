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
            var args = RunSettings.For(name).ToTrainingArguments().Validate();
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
    public void Null_parameters_keep_the_profile_and_others_replace_it_by_name()
    {
        using var temp = new TempFolder();
        var quick = RunSettings.For("quick");
        var changed = RunSettings.Open("quick", temp.File("mine"),
            new { model = "bert-base-uncased", maxLength = (int?)256, seed = (int?)null, dataset = "" });

        Assert.Equal("bert-base-uncased", changed.Model);
        Assert.Equal(256, changed.MaxLength);
        Assert.Equal(quick.Seed, changed.Seed);
        Assert.Equal(quick.Dataset, changed.Dataset);
        Assert.Equal(temp.File("mine"), changed.RunDir);
        Assert.Contains("'maxLenght' is not a run setting", Assert.Throws<ArgumentException>(() =>
            RunSettings.Open("quick", temp.File("mine"), new { maxLenght = 1 })).Message);
    }

    [Fact]
    public void Precision_is_auto_by_default_and_reaches_the_trainer()
    {
        var quick = RunSettings.For("quick");
        Assert.Equal("auto", quick.Precision);
        Assert.Equal("bf16", (quick with { Precision = "bf16" }).ToTrainingArguments().Precision);
        Assert.Throws<ArgumentException>(() => (quick with { Precision = "fp8" }).ToTrainingArguments().Validate());
    }

    [Fact]
    public void The_schedule_is_linear_by_default_and_reaches_the_trainer_by_name()
    {
        var quick = RunSettings.For("quick");
        Assert.Equal("linear", quick.ToTrainingArguments().LrSchedulerType);
        Assert.Equal("cosine", (quick with { LrSchedulerType = "cosine" }).ToTrainingArguments().LrSchedulerType);
        var unknown = Assert.Throws<ArgumentException>(() => (quick with { LrSchedulerType = "step" }).ToTrainingArguments().Validate());
        Assert.Contains("constant_with_warmup", unknown.Message);
    }

    [Fact]
    public void An_unknown_profile_lists_the_known_ones()
    {
        var e = Assert.Throws<ArgumentException>(() => RunSettings.For("fast"));
        Assert.Contains("smoke, quick, full", e.Message);
    }
}
