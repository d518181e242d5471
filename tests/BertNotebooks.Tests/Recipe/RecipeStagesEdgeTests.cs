using BertNotebooks.IO;
using BertNotebooks.Recipe;
using BertNotebooks.Training;

namespace BertNotebooks.Tests.Recipe;

/// <summary>
/// What a run folder tells the user as training starts: resumes, leftovers of a killed save, clamped settings, the way out.
/// </summary>
public sealed class RecipeStagesEdgeTests : IDisposable
{
    readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>tiny-bert's weights with the bert-base-uncased vocab beside them, and a two-class CSV.</summary>
    RunSettings TinyRun(int maxSteps)
    {
        var model = _temp.File("tiny-model");
        if (!Directory.Exists(model))
        {
            Directory.CreateDirectory(model);
            foreach (var file in Directory.GetFiles(Shared.Fixture("tiny-bert")))
                File.Copy(file, Path.Combine(model, Path.GetFileName(file)));
            File.Copy(Shared.Data("bert-base-uncased-vocab.txt"), Path.Combine(model, "vocab.txt"));
        }
        var rows = Enumerable.Range(0, 12)
            .Select(i => i % 2 == 0 ? $"\"the team won game {i}\",sport" : $"\"my disk drive {i} clicks\",computer");
        var csv = _temp.File("tiny.csv", "text,label\n" + string.Join("\n", rows) + "\n");
        return RunSettings.For("smoke") with
        {
            Dataset = csv,
            Model = model,
            RunName = _temp.File("run"),
            MaxSteps = maxSteps,
            EvalSteps = 2,
            LoggingSteps = 1,
            BatchSize = 4,
            WarmupSteps = 1,
            Device = "cpu",
        };
    }

    static TrainResult Train(RunSettings run, LineLog log, bool resume = true)
    {
        var splits = RecipeStages.PrepareData(run);
        var trainer = RecipeStages.CreateTrainer(run, splits, log);
        return RecipeStages.Train(run, trainer, resume, log: log);
    }

    [FixtureFact("tiny-bert")]
    public void A_resumed_run_says_from_which_checkpoint_and_step()
    {
        var run = TinyRun(maxSteps: 2);
        Train(run, new LineLog());
        var log = new LineLog();

        Train(run, log);

        Assert.Contains("resuming from checkpoint-2 (step 2 of 2)", log.Lines);
    }

    [FixtureFact("tiny-bert")]
    public void A_resume_with_other_settings_starts_over_naming_the_change_and_how_to_keep_both()
    {
        Train(TinyRun(maxSteps: 2), new LineLog());
        var log = new LineLog();

        Train(TinyRun(maxSteps: 4), log);

        var line = Assert.Single(log.Lines, l => l.StartsWith("starting over", StringComparison.Ordinal));
        Assert.Contains("MaxSteps 2 → 4", line);
        Assert.Contains("--run-name", line);
        Assert.DoesNotContain(log.Lines, l => l.StartsWith("resuming", StringComparison.Ordinal));
    }

    [FixtureFact("tiny-bert")]
    public void The_temp_folder_of_a_killed_save_is_removed_at_the_start_with_a_line()
    {
        var run = TinyRun(maxSteps: 2);
        var leftover = Directory.CreateDirectory(Path.Combine(run.CheckpointsDir, "checkpoint-8.4242.0123456789abcdef.tmp")).FullName;
        File.WriteAllText(Path.Combine(leftover, "model.safetensors"), "half");
        var log = new LineLog();

        Train(run, log);

        Assert.False(Directory.Exists(leftover));
        Assert.Contains("removed checkpoint-8.4242.0123456789abcdef.tmp, an unfinished save left by a run that was killed", log.Lines);
        Assert.False(File.Exists(Path.Combine(run.RunDir, RunFolderLock.FileName))); // released
    }

    [FixtureFact("tiny-bert")]
    public void A_max_length_beyond_the_model_is_clamped_and_said_so()
    {
        var run = TinyRun(maxSteps: 1) with { MaxLength = 100000 };
        var log = new LineLog();

        var trainer = RecipeStages.CreateTrainer(run, RecipeStages.PrepareData(run), log);

        Assert.Contains(log.Lines,
            l => l.StartsWith("max length 100000 → ", StringComparison.Ordinal)
                && l.EndsWith(", the model's limit", StringComparison.Ordinal));
        Assert.True(trainer.Args.MaxLength < 100000);
    }

    [FixtureFact("tiny-bert")]
    public void The_saved_model_has_a_model_card_and_the_files_AutoTokenizer_reads()
    {
        var run = TinyRun(maxSteps: 2);

        Train(run, new LineLog());

        var card = File.ReadAllText(Path.Combine(run.BestModelDir, "README.md"));
        Assert.StartsWith("---\nlicense: other", card.ReplaceLineEndings("\n"));
        Assert.Contains($"base_model: {run.Model}", card);
        Assert.Contains("`computer`, `sport`", card);
        Assert.Contains("| LearningRate | 5E-05 |".Replace("5E-05",
            run.LearningRate.ToString(System.Globalization.CultureInfo.InvariantCulture)), card);
        Assert.Contains("Best validation accuracy:", card);
        Assert.All(["vocab.txt", "tokenizer_config.json", "special_tokens_map.json", "tokenizer.json", "config.json", "model.safetensors"],
            file => Assert.True(File.Exists(Path.Combine(run.BestModelDir, file)), file));
    }
}
