using BertNotebooks.Data;
using BertNotebooks.Recipe;

namespace BertNotebooks.Cli.Commands;

/// <summary>
/// <c>bertnb train</c>: the notebooks' recipe end to end through the same <see cref="RecipeStages"/>: data, tokenizing,
/// fine-tuning, evaluation and the saved best model. Ctrl+C saves a checkpoint that the next run with the same options resumes.
/// </summary>
public sealed class TrainCommand : ICliCommand
{
    public string Name => "train";
    public string Summary =>
        "Fine-tune and evaluate [--profile full|quick|smoke --model all-MiniLM-L6-v2 --data 20newsgroups --max-length N --epochs N " +
        "--batch-size N --lr X --warmup-steps N --weight-decay X --eval-steps N (0: per epoch) --max-steps N --max-train-docs N " +
        "--max-eval-docs N --group-by-length true --seed 42 --device auto --precision auto|fp32|bf16 --run-name NAME --fresh --newsgroups-archive PATH]";

    public Task<int> RunAsync(CliArguments a, CancellationToken cancel)
    {
        var profile = RunSettings.For(a.String("profile", "full")!);
        var run = profile with
        {
            Dataset = a.String("data", profile.Dataset)!,
            Model = a.String("model", profile.Model)!,
            MaxLength = a.Int("max-length", profile.MaxLength),
            Epochs = a.Double("epochs", profile.Epochs),
            MaxSteps = a.Int("max-steps", profile.MaxSteps),
            BatchSize = a.Int("batch-size", profile.BatchSize),
            LearningRate = a.Double("lr", profile.LearningRate),
            WarmupSteps = a.Int("warmup-steps", profile.WarmupSteps),
            WeightDecay = a.Double("weight-decay", profile.WeightDecay),
            EvalSteps = a.Int("eval-steps", profile.EvalSteps),
            LoggingSteps = a.Int("logging-steps", profile.LoggingSteps),
            MaxTrainDocs = a.Has("max-train-docs") ? a.Int("max-train-docs", 0) : profile.MaxTrainDocs,
            MaxEvalDocs = a.Has("max-eval-docs") ? a.Int("max-eval-docs", 0) : profile.MaxEvalDocs,
            GroupByLength = !string.Equals(a.String("group-by-length", "true"), "false", StringComparison.OrdinalIgnoreCase),
            Seed = a.Int("seed", profile.Seed),
            Device = a.String("device", profile.Device)!,
            Precision = a.String("precision", profile.Precision)!,
            RunName = a.String("run-name", $"cli-{profile.Profile}"),
        };
        var log = new Progress<string>(Console.Error.WriteLine);
        var loadOptions = new DatasetLoadOptions
        {
            Newsgroups = a.String("newsgroups-archive") is { } archive ? new NewsgroupsOptions { LocalSource = archive } : null,
        };

        var splits = RecipeStages.PrepareData(run, loadOptions);
        Console.Error.WriteLine($"data: {splits.Train.Count} training and {splits.Validation.Count} validation texts, {splits.NumLabels} classes -> {run.RunDir}");
        var trainer = RecipeStages.CreateTrainer(run, splits, log);
        var console = new TrainingConsole();
        trainer.Progress = console;
        trainer.OnLog += console.Log;
        Console.Error.WriteLine($"training on {trainer.Device}: {trainer.MaxSteps} steps ({trainer.StepsPerEpoch} per epoch), warmup {trainer.WarmupSteps}");

        var result = RecipeStages.Train(run, trainer, resume: !a.Has("fresh"), cancel);
        if (result.Cancelled)
        {
            Console.WriteLine($"Stopped at step {result.GlobalStep}; checkpoint {result.LastCheckpoint}. Run the same command again to continue.");
            return Task.FromResult(130);
        }

        var evaluation = RecipeStages.Evaluate(run, splits);
        Console.WriteLine(evaluation.Report);
        Console.WriteLine($"train_loss {result.TrainingLoss:F4}  accuracy {evaluation.Report.Accuracy:F4}  f1_macro {evaluation.Report.MacroF1:F4}  " +
                          $"steps {result.GlobalStep}  runtime {result.Metrics["train_runtime"]:F1}s");
        Console.WriteLine($"best model: {run.BestModelDir} (from {result.BestModelCheckpoint ?? "the last step"}); metrics: {run.MetricsPath}");
        return Task.FromResult(0);
    }
}
