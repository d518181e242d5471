using System.CommandLine;
using BertNotebooks.Data;
using BertNotebooks.Hosting;
using BertNotebooks.IO;
using BertNotebooks.Native;
using BertNotebooks.Recipe;

namespace BertNotebooks.Cli.Commands;

/// <summary>
/// <c>bertnb train</c>: the notebooks' recipe end to end through the same <see cref="RecipeStages"/>: data, tokenizing,
/// fine-tuning, evaluation and the saved best model. Ctrl+C saves a checkpoint that the next run with the same options resumes.
/// </summary>
public sealed class TrainCommand : ICliCommand
{
    readonly RunSettingsOptions _settings = new();
    readonly Option<bool> _fresh = new("--fresh")
    {
        Description = "Start over instead of resuming: a finished run is moved aside (NAME.previous-TIME), an unfinished one's " +
            "checkpoints discarded"
    };
    readonly Option<string?> _archive = new("--newsgroups-archive")
    {
        Description = "A local 20news-bydate.tar.gz instead of the cache or a download"
    };

    public Command Create()
    {
        var command = new Command("train", "Fine-tune and evaluate: the notebooks' recipe without notebooks. " +
            "Options not given take the profile's values; the run folder is data/runs/cli-PROFILE unless --run-name says otherwise.");
        foreach (var option in _settings.All) command.Add(option);
        command.Add(_fresh);
        command.Add(_archive);
        command.SetAction((result, cancel) => Task.FromResult(Run(result, cancel)));
        return command;
    }

    int Run(ParseResult parsed, CancellationToken cancel)
    {
        var resume = !parsed.GetValue(_fresh);
        // The run folder is apart from the notebooks' runs of the same profile.
        var run = _settings.Bind(parsed, resume, startsRun: true, defaultRunName: profile => $"cli-{profile}");
        var log = new SynchronousProgress<string>(Console.Error.WriteLine);
        using var runLock = RunFolderLock.Acquire(run.RunDir, log); // before the data stage rewrites split.json
        var loadOptions = new DatasetLoadOptions
        {
            Newsgroups = parsed.GetValue(_archive) is { } archive ? new NewsgroupsOptions { LocalSource = archive } : null,
        };

        var splits = RecipeStages.PrepareData(run, loadOptions, log, resume);
        Console.Error.WriteLine($"data: {splits.Train.Count} training and {splits.Validation.Count} validation texts, " +
            $"{splits.NumLabels} classes -> {run.RunDir}");
        var trainer = RecipeStages.CreateTrainer(run, splits, log);
        var console = new TrainingConsole();
        trainer.Progress = console;
        trainer.OnLog += console.Log;
        Console.Error.WriteLine($"native: {TorchNative.EnsureLoaded()}");
        Console.Error.WriteLine($"training on {trainer.Device}: {trainer.MaxSteps} steps ({trainer.StepsPerEpoch} per epoch), " +
            $"warmup {trainer.WarmupSteps}");

        var result = RecipeStages.Train(run, trainer, resume, cancel, log);
        if (result.Cancelled)
        {
            Console.WriteLine($"Stopped at step {result.GlobalStep}; checkpoint {result.LastCheckpoint}. " +
                "Run the same command again to continue.");
            return CommandLineHost.Interrupted;
        }

        var evaluation = RecipeStages.Evaluate(run, splits);
        Console.WriteLine(evaluation.Report);
        Console.WriteLine($"train_loss {result.TrainingLoss:F4}  accuracy {evaluation.Report.Accuracy:F4}  " +
            $"f1_macro {evaluation.Report.MacroF1:F4}  " +
                          $"steps {result.GlobalStep}  runtime {result.Metrics["train_runtime"]:F1}s");
        Console.WriteLine($"best model: {run.BestModelDir} (from {result.BestModelCheckpoint ?? "the last step"}); " +
            $"metrics: {run.MetricsPath}");
        return CommandLineHost.Success;
    }
}
