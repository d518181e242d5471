using BertNotebooks.Data;
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
        var splits = RecipeStages.PrepareData(run, log: log, resume: resume);
        var trainer = RecipeStages.CreateTrainer(run, splits, log);
        return RecipeStages.Train(run, trainer, resume, log: log);
    }

    [Fact]
    public void Downloading_20_Newsgroups_is_told_to_the_log_a_line_a_tenth()
    {
        var body = new byte[3_000_000];
        new Random(0).NextBytes(body); // not the archive: its checksum fails after the download, as an altered copy's would
        using var server = LoopbackHttpServer.Serving(body);
        var cache = Directory.CreateDirectory(_temp.File("cache")).FullName;
        var options = new DatasetLoadOptions
        {
            Newsgroups = new NewsgroupsOptions { LocalSource = null, CacheDirectory = cache, DownloadUrl = server.Url("/20news") },
        };
        var log = new LineLog();

        var error = Assert.Throws<InvalidDataException>(() =>
            RecipeStages.PrepareData(RunSettings.For("smoke") with { RunName = _temp.File("run") }, options, log));

        Assert.Contains("nothing was saved", error.Message);
        Assert.Empty(Directory.GetFiles(cache));
        var lines = log.Lines.Where(l => l.StartsWith("downloading ", StringComparison.Ordinal)).ToList();
        Assert.Equal(11, lines.Count); // the start, then one a tenth (each read is under a tenth, so none is skipped)
        Assert.Equal($"downloading {Newsgroups.ArchiveName}: {0.0:0.0} / {3.0:0.0} MB", lines[0]);
        Assert.Equal($"downloading {Newsgroups.ArchiveName}: {3.0:0.0} / {3.0:0.0} MB", lines[^1]);
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
    public void A_resume_with_other_settings_is_an_error_naming_the_change_and_how_to_keep_both()
    {
        Train(TinyRun(maxSteps: 2), new LineLog());

        var error = Assert.Throws<ArgumentException>(() => Train(TinyRun(maxSteps: 4), new LineLog()));

        Assert.Contains("maxSteps = 4 contradicts this run's record", error.Message);
        Assert.Contains("which says maxSteps 2", error.Message);
        Assert.Contains("--run-name", error.Message);
    }

    [FixtureFact("tiny-bert")]
    public void An_unfinished_run_started_over_discards_its_checkpoints_and_says_so()
    {
        var run = TinyRun(maxSteps: 2);
        Train(run, new LineLog());
        (RunRecord.Load(run.RunDir)! with { Stage = RunStage.Training }).Save(run.RunDir); // as if stopped before the end
        var log = new LineLog();

        Train(run, log, resume: false);

        Assert.Contains(log.Lines, l => l.StartsWith("starting over: resume is off, so the unfinished run's checkpoints", StringComparison.Ordinal));
        Assert.Empty(Directory.GetDirectories(Path.GetDirectoryName(run.RunDir)!, "*.previous-*"));
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
        // Each setting as a notebook's parameters cell and -p name=value spell it.
        Assert.Contains($"| learningRate | {run.LearningRate.ToString(System.Globalization.CultureInfo.InvariantCulture)} |", card);
        Assert.Contains($"| useKernels | {(run.UseKernels ? "true" : "false")} |", card);
        Assert.Contains("Best validation accuracy:", card);
        Assert.All(["vocab.txt", "tokenizer_config.json", "special_tokens_map.json", "tokenizer.json", "config.json", "model.safetensors"],
            file => Assert.True(File.Exists(Path.Combine(run.BestModelDir, file)), file));
    }
}
