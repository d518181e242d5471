using BertNotebooks.Data;
using BertNotebooks.Modeling;
using BertNotebooks.Pretrained;
using BertNotebooks.Tokenization;
using BertNotebooks.Training;

namespace BertNotebooks.Cli.Commands;

/// <summary>
/// <c>bertnb train</c>: the notebooks' recipe end to end: data, tokenizing, fine-tuning with the Trainer, evaluation and the
/// saved best model, with the notebooks' parameters as options. Ctrl+C saves a checkpoint that <c>--resume latest</c> continues.
/// </summary>
public sealed class TrainCommand : ICliCommand
{
    public string Name => "train";
    public string Summary =>
        "Fine-tune and evaluate [--model all-MiniLM-L6-v2 --data 20newsgroups --max-length 512 --epochs 3 --batch-size 16 --lr 5e-5 " +
        "--warmup-steps 0 --weight-decay 0.01 --eval-steps N (else per epoch) --max-steps N --max-train-docs N --max-eval-docs N " +
        "--group-by-length true --seed 42 --output data/runs/cli --device auto --resume latest|PATH --newsgroups-archive PATH]";

    public Task<int> RunAsync(CliArguments a, CancellationToken cancel)
    {
        int seed = a.Int("seed", 42);
        var output = Path.GetFullPath(a.String("output", BertPaths.RunDir("cli"))!);
        int evalSteps = a.Int("eval-steps", 0);
        var strategy = evalSteps > 0 ? IntervalStrategy.Steps : IntervalStrategy.Epoch;
        var args = new TrainingArguments
        {
            OutputDir = Path.Combine(output, "checkpoints"),
            NumTrainEpochs = a.Double("epochs", 3),
            MaxSteps = a.Int("max-steps", -1),
            PerDeviceTrainBatchSize = a.Int("batch-size", 16),
            PerDeviceEvalBatchSize = a.Int("eval-batch-size", 2 * a.Int("batch-size", 16)),
            GradientAccumulationSteps = a.Int("gradient-accumulation-steps", 1),
            LearningRate = a.Double("lr", 5e-5),
            WarmupSteps = a.Int("warmup-steps", 0),
            WarmupRatio = a.Double("warmup-ratio", 0),
            WeightDecay = a.Double("weight-decay", 0.01),
            LoggingSteps = a.Int("logging-steps", 50),
            EvalStrategy = strategy,
            EvalSteps = evalSteps,
            SaveStrategy = strategy,
            SaveSteps = evalSteps > 0 ? a.Int("save-steps", evalSteps) : 500,
            SaveTotalLimit = a.Int("save-total-limit", 2),
            LoadBestModelAtEnd = true,
            MetricForBestModel = a.String("metric", "accuracy"),
            EarlyStoppingPatience = a.Has("early-stopping") ? a.Int("early-stopping", 2) : null,
            Seed = seed,
            GroupByLength = !string.Equals(a.String("group-by-length", "true"), "false", StringComparison.OrdinalIgnoreCase),
            MaxLength = a.Int("max-length", 512),
            Device = a.String("device", "auto")!,
        }.Validate();

        var lines = new TrainingConsole();
        var modelFolder = PretrainedModels.Resolve(a.String("model", PretrainedModels.OfflineDefault)!, new Progress<string>(Console.Error.WriteLine));
        var loadOptions = new DatasetLoadOptions
        {
            Split = new SplitOptions(Seed: seed),
            Newsgroups = a.String("newsgroups-archive") is { } archive ? new NewsgroupsOptions { LocalSource = archive } : null,
        };
        var splits = DatasetSpec.Parse(a.String("data", DatasetSpec.NewsgroupsName)!).Load(loadOptions);
        var train = DatasetPreparation.Subset(splits.Train, a.Has("max-train-docs") ? a.Int("max-train-docs", 0) : null, seed);
        var validation = DatasetPreparation.Subset(splits.Validation, a.Has("max-eval-docs") ? a.Int("max-eval-docs", 0) : null, seed);
        new DatasetSplits(train, validation, splits.Test).Save(Path.Combine(output, DatasetSplits.FileName));
        Console.Error.WriteLine($"data: {train.Count} training and {validation.Count} validation texts, {splits.NumLabels} classes -> {output}");

        var encoder = BertTextEncoder.FromFolder(modelFolder);
        int maxLength = Math.Min(args.MaxLength, encoder.MaxLengthLimit);
        var trainExamples = DatasetPreparation.Tokenize(encoder, train, maxLength);
        var evalExamples = DatasetPreparation.Tokenize(encoder, validation, maxLength);

        Reproducibility.SetSeed(seed); // the new classifier head's initialisation
        var (model, report) = BertForSequenceClassification.FromPretrained(modelFolder, splits.ClassNames);
        using var _ = model;
        Console.Error.WriteLine($"model: {modelFolder}; {report.Renamed.Count} tensors renamed, {report.Dropped.Count} dropped, " +
                                $"new: {(report.Initialised.Count == 0 ? "none" : string.Join(", ", report.Initialised.Select(k => k.Key)))}");
        var trainer = new Trainer(model, args with { MaxLength = maxLength }, trainExamples, evalExamples, splits.ClassNames,
            folder => model.SavePretrained(folder, splits.ClassNames, modelFolder)) { Progress = lines };
        trainer.OnLog += lines.Log;
        Console.Error.WriteLine($"training on {trainer.Device}: {trainer.MaxSteps} steps ({trainer.StepsPerEpoch} per epoch), warmup {trainer.WarmupSteps}");

        var result = trainer.Train(a.String("resume"), cancel);
        if (result.Cancelled)
        {
            Console.WriteLine($"Stopped at step {result.GlobalStep}; checkpoint {result.LastCheckpoint}. Continue with the same options and --resume latest.");
            return Task.FromResult(130);
        }

        var bestFolder = Path.Combine(output, "best-model");
        trainer.SaveModel(bestFolder);
        result.State.Save(Path.Combine(output, "trainer_state.json"));
        var evaluation = trainer.Evaluate();
        evaluation.Report.Save(Path.Combine(output, "metrics.json"));
        Console.WriteLine(evaluation.Report);
        Console.WriteLine($"train_loss {result.TrainingLoss:F4}  eval_loss {evaluation.Metrics["eval_loss"]:F4}  accuracy {evaluation.Report.Accuracy:F4}  " +
                          $"f1_macro {evaluation.Report.MacroF1:F4}  steps {result.GlobalStep}  runtime {result.Metrics["train_runtime"]:F1}s");
        Console.WriteLine($"best model: {bestFolder} (from {result.BestModelCheckpoint ?? "the last step"}); metrics: {Path.Combine(output, "metrics.json")}");
        return Task.FromResult(0);
    }
}
