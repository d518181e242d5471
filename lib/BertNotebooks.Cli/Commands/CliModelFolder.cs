using BertNotebooks.Checkpoints;

namespace BertNotebooks.Cli.Commands;

/// <summary>The model folder a command works on: a run's best model (<c>--run-name</c>) or a folder (<c>--model-dir</c>).</summary>
static class CliModelFolder
{
    public static string Resolve(string? runName, string? modelDir)
    {
        if ((runName is null) == (modelDir is null))
            throw new ArgumentException("Give either --run-name NAME (a training run's best model) or --model-dir PATH, not " +
                (runName is null ? "neither." : "both."));
        var folder = modelDir is not null
            ? BertPaths.UserPath(modelDir)
            : Path.Combine(BertPaths.RunDir(runName!), "best-model");
        if (File.Exists(Path.Combine(folder, CheckpointFiles.Config))) return folder;
        throw new DirectoryNotFoundException(runName is not null
            ? $"Run '{runName}' has no best model ({folder} is missing): train it first " +
              $"(04-training or `bertnb train --run-name {runName}`)."
            : $"{folder} is not a model folder (no config.json); pass the folder a training run or SavePretrained wrote.");
    }
}
