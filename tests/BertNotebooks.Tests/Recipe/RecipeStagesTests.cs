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

    /// <summary>What a notebook gives <see cref="RunSettings.Open"/>: the tiny run's settings as parameters, by name.</summary>
    Dictionary<string, object?> TinyParameters(RunSettings tiny) => new()
    {
        ["dataset"] = tiny.Dataset, ["model"] = tiny.Model, ["maxSteps"] = tiny.MaxSteps, ["evalSteps"] = tiny.EvalSteps,
        ["loggingSteps"] = tiny.LoggingSteps, ["batchSize"] = tiny.BatchSize, ["learningRate"] = tiny.LearningRate,
        ["warmupSteps"] = tiny.WarmupSteps, ["device"] = tiny.Device,
    };

    [FixtureFact("tiny-bert")]
    public void After_04_with_a_non_default_max_length_05_reproduces_the_trainers_best_evaluation()
    {
        var tiny = TinyRun();
        // 01 and 04 as the notebooks open them: 04 is given maxLength 16, not the smoke profile's 64.
        var data = RunSettings.Open("smoke", tiny.RunName, TinyParameters(tiny), startsRun: true);
        var splits = RecipeStages.PrepareData(data);
        var training = RunSettings.Open("smoke", tiny.RunName, TinyParameters(tiny).Append(KeyValuePair.Create("maxLength", (object?)16)));
        var result = RecipeStages.Train(training, RecipeStages.CreateTrainer(training, splits));

        // 05 as the notebook opens it: no maxLength given, so the run's record must supply 16.
        var evaluating = RunSettings.Open("smoke", tiny.RunName);
        var evaluation = RecipeStages.Evaluate(evaluating, splits);

        Assert.Equal(16, evaluating.MaxLength);
        var best = result.State.LogHistory.Single(e => e.ContainsKey("eval_accuracy") && (int)e["step"] == result.State.BestGlobalStep);
        Assert.Equal(best["eval_accuracy"], evaluation.Report.Accuracy);
        Assert.Equal(best["eval_f1_macro"], evaluation.Report.MacroF1);
        var saved = RecipeStages.LoadMetricsSummary(evaluating);
        Assert.Equal((best["eval_accuracy"], best["eval_f1_macro"]), (saved["accuracy"], saved["f1_macro"]));
    }

    [FixtureFact("tiny-bert")]
    public void A_parameter_that_contradicts_the_record_is_an_error_naming_both_values_and_the_way_out()
    {
        var run = TinyRun();
        var splits = RecipeStages.PrepareData(run);
        RecipeStages.Train(run, RecipeStages.CreateTrainer(run, splits));

        var error = Assert.Throws<ArgumentException>(() =>
            RunSettings.Open("smoke", run.RunName, new { learningRate = (double?)1e-2, device = "cuda" }));

        Assert.StartsWith("learningRate = 0.01 contradicts this run's record", error.Message);
        Assert.Contains("which says learningRate 0.001", error.Message);
        Assert.Contains("runName", error.Message);
        Assert.Contains("resume = false", error.Message);
        Assert.DoesNotContain("device", error.Message); // where it runs cannot change the results
        Assert.Throws<ArgumentException>(() => RecipeStages.Train(run with { LearningRate = 1e-2 },
            RecipeStages.CreateTrainer(run with { LearningRate = 1e-2 }, splits)));
    }

    [FixtureFact("tiny-bert")]
    public void Starting_over_moves_the_finished_run_aside_and_says_where()
    {
        var run = TinyRun();
        var splits = RecipeStages.PrepareData(run);
        RecipeStages.Train(run, RecipeStages.CreateTrainer(run, splits));
        var firstModel = File.ReadAllBytes(Path.Combine(run.BestModelDir, "model.safetensors"));
        var changed = RunSettings.Open("smoke", run.RunName, TinyParameters(run with { LearningRate = 1e-2 }), resume: false);
        var log = new LineLog();

        var again = RecipeStages.Train(changed, RecipeStages.CreateTrainer(changed, splits), resume: false, log: log);

        var line = Assert.Single(log.Lines, l => l.StartsWith("starting over", StringComparison.Ordinal));
        var aside = Assert.Single(Directory.GetDirectories(Path.GetDirectoryName(run.RunDir)!, Path.GetFileName(run.RunDir) + ".previous-*"));
        Assert.EndsWith(Path.GetFileName(aside), line);
        Assert.Equal(firstModel, File.ReadAllBytes(Path.Combine(aside, "best-model", "model.safetensors")));
        Assert.Equal(1e-3, RunRecord.Load(aside)!.Settings.LearningRate);
        Assert.Equal(1e-2, RunRecord.Load(run.RunDir)!.Settings.LearningRate);
        Assert.Equal(RunStage.Trained, RunRecord.Load(run.RunDir)!.Stage);
        Assert.Equal(4, again.GlobalStep);
    }

    [FixtureFact("tiny-bert")]
    public void The_model_card_names_the_csv_dataset_of_the_run()
    {
        var tiny = TinyRun();
        RecipeStages.PrepareData(RunSettings.Open("smoke", tiny.RunName, TinyParameters(tiny), startsRun: true));
        var training = RunSettings.Open("smoke", tiny.RunName, new { maxSteps = (int?)2 }); // 04 declares no dataset

        RecipeStages.Train(training, RecipeStages.CreateTrainer(training, RecipeStages.LoadSplits(training)));

        Assert.Contains($"on `{tiny.Dataset}`", File.ReadAllText(Path.Combine(training.BestModelDir, "README.md")));
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
