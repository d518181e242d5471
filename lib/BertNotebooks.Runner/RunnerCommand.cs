namespace BertNotebooks.Runner;

/// <summary>What <c>bertnb-run</c> does; separate from Main so that tests get the exit code and messages in-process.</summary>
public static class RunnerCommand
{
    public const int Success = 0, CellFailed = 1, BadInput = 2;

    /// <summary>Runs the notebooks, writes summary.json and prints the table; returns the process exit code.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancel = default)
    {
        try
        {
            var arguments = RunnerArguments.Parse(args, RunnerArguments.FindRepositoryRoot(Directory.GetCurrentDirectory()));
            if (arguments.Help)
            {
                output.WriteLine(RunnerArguments.Usage);
                return Success;
            }
            return await RunAsync(arguments, output, error, cancel);
        }
        catch (Exception e) when (e is ArgumentException or FileNotFoundException or DirectoryNotFoundException or InvalidDataException)
        {
            error.WriteLine($"error: {e.Message}");
            return BadInput;
        }
    }

    static async Task<int> RunAsync(RunnerArguments arguments, TextWriter output, TextWriter error, CancellationToken cancel)
    {
        var paths = NotebookRunner.Resolve(arguments.NotebooksDir, arguments.Notebooks);
        var runner = new NotebookRunner(new RunOptions(arguments.OutputDir, arguments.Parameters, arguments.Html), new ConsoleProgress(output));
        var results = await runner.RunAllAsync(paths, cancel);

        var entries = RunSummary.Entries(paths, results);
        var summary = RunSummary.Write(arguments.OutputDir, entries, arguments.Profile);
        output.WriteLine();
        output.WriteLine(RunSummary.Table(entries));
        output.WriteLine($"Executed notebooks and {Path.GetFileName(summary)} in {arguments.OutputDir}");

        if (results[^1] is { FailedCell: { } failed } failure)
        {
            error.WriteLine($"error: notebook '{failure.SourcePath}' failed at cell {failed.CellNumber}:");
            error.WriteLine(failed.Error);
            error.WriteLine($"The partly executed notebook is {failure.OutputPath}.");
            return CellFailed;
        }
        return Success;
    }
}
