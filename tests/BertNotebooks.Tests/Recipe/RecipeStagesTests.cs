using BertNotebooks.Inference;
using BertNotebooks.Recipe;
using BertNotebooks.Training;

namespace BertNotebooks.Tests.Recipe;

/// <summary>
/// The stages the notebooks and <c>bertnb train</c> share, end to end on a CSV the test writes and the tiny-bert fixture.
/// The resume test compares two runs bit for bit, so the class runs where no other test draws from torch's generator.
/// </summary>
[Collection(Tests.Training.GlobalRngCollection.Name)]
public sealed class RecipeStagesTests : IDisposable
{
    readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>tiny-bert's weights with the bert-base-uncased vocab beside them: a complete, small HF model folder.</summary>
    string TinyModelFolder()
    {
        var folder = Directory.CreateDirectory(_temp.File("tiny-model")).FullName;
        foreach (var file in Directory.GetFiles(Shared.Fixture("tiny-bert"))) File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        File.Copy(Shared.Data("bert-base-uncased-vocab.txt"), Path.Combine(folder, "vocab.txt"));
        return folder;
    }

    string SportsAndComputersCsv()
    {
        string[] sports = ["the team won the final game", "a late goal decided the match", "the pitcher threw a perfect inning",
            "fans cheered the winning run"];
        string[] computers = ["my disk drive makes a clicking noise", "the new graphics card needs a driver",
            "the printer port stopped working", "memory upgrade for my computer"];
        var rows = sports.Select(t => $"\"{t}\",sport").Concat(computers.Select(t => $"\"{t}\",computer"))
            .SelectMany(r => Enumerable.Repeat(r, 3));
        return _temp.File("tiny.csv", "text,label\n" + string.Join("\n", rows) + "\n");
    }

    [FixtureFact("tiny-bert")]
    public void A_few_steps_on_a_tiny_csv_train_evaluate_and_predict_through_the_same_stages()
    {
        var run = TinyRun();
        var splits = RecipeStages.PrepareData(run);
        var trainer = RecipeStages.CreateTrainer(run, splits);
        var result = RecipeStages.Train(run, trainer);
        var evaluation = RecipeStages.Evaluate(run, splits);

        Assert.Equal(["computer", "sport"], splits.ClassNames);
        Assert.True(File.Exists(run.SplitPath));
        Assert.Equal(4, result.GlobalStep);
        Assert.True(File.Exists(Path.Combine(run.BestModelDir, "config.json")));
        Assert.True(File.Exists(run.TrainerStatePath));
        Assert.Equal(splits.Validation.Count, evaluation.Predictions.Count);
        Assert.InRange(evaluation.Report.Accuracy, 0, 1);
        Assert.Equal(evaluation.Report.Accuracy, RecipeStages.LoadMetricsSummary(run)["accuracy"]);
        using var predictor = Predictor.Load(run.BestModelDir, "cpu", run.MaxLength);
        Assert.Contains(predictor.Predict("the goalkeeper saved a penalty").LabelName, splits.ClassNames);
    }

    RunSettings TinyRun() => RunSettings.For("smoke") with
    {
        Dataset = SportsAndComputersCsv(),
        Model = TinyModelFolder(),
        RunName = _temp.File("run"),
        MaxSteps = 4,
        EvalSteps = 2,
        LoggingSteps = 1,
        BatchSize = 4,
        LearningRate = 1e-3,
        WarmupSteps = 1,
        Device = "cpu",
    };

    /// <summary>A run stopped after step 2: its checkpoint-2 stays, the later one and the best model go.</summary>
    static void StopAfterStepTwo(RunSettings run)
    {
        Directory.Delete(Path.Combine(run.CheckpointsDir, "checkpoint-4"), recursive: true);
        Directory.Delete(run.BestModelDir, recursive: true);
    }

    static double[] Losses(TrainResult result) => [.. result.State.LogHistory.Where(e => e.ContainsKey("loss")).Select(e => e["loss"])];

    [FixtureFact("tiny-bert")]
    public void An_unchanged_run_resumes_from_its_checkpoint_exactly()
    {
        var run = TinyRun();
        var splits = RecipeStages.PrepareData(run);
        var uninterrupted = RecipeStages.Train(run, RecipeStages.CreateTrainer(run, splits));
        StopAfterStepTwo(run);

        var resumed = RecipeStages.Train(run, RecipeStages.CreateTrainer(run, splits));

        Assert.Equal(4, resumed.GlobalStep);
        Assert.Equal(Losses(uninterrupted), Losses(resumed)); // steps 1-2 from the checkpoint's log, 3-4 trained again, bit for bit
        Assert.True(File.Exists(Path.Combine(run.BestModelDir, "model.safetensors")));
    }

    [FixtureFact("tiny-bert")]
    public void A_changed_learning_rate_starts_over_instead_of_reloading_the_old_run()
    {
        var run = TinyRun();
        var splits = RecipeStages.PrepareData(run);
        RecipeStages.Train(run, RecipeStages.CreateTrainer(run, splits));
        var changed = run with { LearningRate = 1e-2 };

        var output = new StringWriter();
        var original = Console.Out;
        Console.SetOut(output);
        TrainResult again;
        try { again = RecipeStages.Train(changed, RecipeStages.CreateTrainer(changed, splits)); }
        finally { Console.SetOut(original); }

        Assert.Contains("starting over", output.ToString());
        Assert.Contains("LearningRate 0.001 → 0.01", output.ToString());
        var loggedRates = again.State.LogHistory.Where(e => e.ContainsKey("learning_rate")).Select(e => e["learning_rate"]).ToList();
        Assert.Equal(4, loggedRates.Count); // all four steps trained again, not zero
        Assert.Equal(1e-2, loggedRates.Max(), 12); // with the new rate (warm-up 1, then linear decay)
        Assert.Equal("0.01", RunFingerprint.Load(run.CheckpointsDir)!.Values["LearningRate"]);
    }

    [Fact]
    public void The_fingerprint_names_each_changed_setting_and_ignores_where_the_run_runs()
    {
        var run = RunSettings.For("quick") with { RunName = _temp.File("fp") };
        var saved = RunFingerprint.Of(run);

        Assert.Empty(RunFingerprint.Of(run with { Device = "cuda", Profile = "other" }).ChangesSince(saved));
        Assert.Equal(["LearningRate 0.0002 → 0.001", "MaxLength 128 → 256"],
            RunFingerprint.Of(run with { LearningRate = 1e-3, MaxLength = 256 }).ChangesSince(saved));
        _temp.File("fp/split.json", "{}");
        Assert.Equal(["the data split"], RunFingerprint.Of(run).ChangesSince(saved));
    }

    [Fact]
    public void Each_later_stage_names_the_notebook_that_makes_its_input()
    {
        var run = RunSettings.For("smoke") with { RunName = _temp.File("empty-run") };

        Assert.Contains("run 01-data", Assert.Throws<FileNotFoundException>(() => RecipeStages.LoadSplits(run)).Message);
        Assert.Contains("run 04-training", Assert.Throws<DirectoryNotFoundException>(() => RecipeStages.RequireBestModel(run)).Message);
        Assert.Contains("run 04-training", Assert.Throws<FileNotFoundException>(() => RecipeStages.LoadTrainerState(run)).Message);
        Assert.Contains("run 05-evaluation", Assert.Throws<FileNotFoundException>(() => RecipeStages.LoadMetricsSummary(run)).Message);
    }
}
