using System.CommandLine;
using BertNotebooks.Hosting;
using BertNotebooks.IO;
using BertNotebooks.Recipe;

namespace BertNotebooks.Runner;

/// <summary>
/// <c>bertnb-run [notebook ...] [options]</c>: what it does, separate from Main so that tests get the exit code and
/// messages in-process. Exit codes: 0 all ran, 1 a cell failed or timed out, 2 bad arguments or notebooks, 130 Ctrl+C.
/// </summary>
public static class RunnerCommand
{
    public const int Success = CommandLineHost.Success, CellFailed = CommandLineHost.Failure, BadInput = CommandLineHost.UsageError,
        Interrupted = CommandLineHost.Interrupted;

    /// <summary>Runs the notebooks, writes summary.json and prints the table; returns the process exit code.</summary>
    public static Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancel = default) =>
        CommandLineHost.InvokeAsync(Create(output, error), "bertnb-run", args, output, error, cancel);

    static RootCommand Create(TextWriter output, TextWriter error)
    {
        var root = FindRepositoryRoot(Directory.GetCurrentDirectory());
        var notebooks = new Argument<string[]>("notebook")
        {
            Description = "A name in the notebooks folder (01-data) or a path; none: every *.ipynb there, in order",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var parameters = new Option<string[]>("--parameter", "-p")
        {
            Description = "NAME=VALUE: set NAME after the cell tagged 'parameters', typed as that cell declares it (repeatable)",
            AllowMultipleArgumentsPerToken = false,
        };
        var parametersFile = CommandLineHost.Typed<string?>("--parameters-file", "A JSON object of parameters, as papermill's -f; -p wins",
            "-f");
        var profile = CommandLineHost.Typed<string?>("--profile",
                $"The same as -p profile=NAME ({string.Join(", ", ProfileNames.All)}); wins over -p")
            .Check(value => CommandLineHost.OneOf("--profile", "a profile", value, ProfileNames.All));
        var html = new Option<bool>("--html")
        {
            Description = "Also write a self-contained HTML page per notebook (charts render offline)"
        };
        var publish = CommandLineHost.Typed<string?>("--publish",
            "Also publish the run as expected outputs in this folder (the notebooks, HTML pages sharing one plotly.js, an index); " +
            "implies --html");
        var outputDir = CommandLineHost.Defaulted("--output", "Where executed notebooks go", Path.Combine(root, "artifacts", "notebooks"));
        var notebooksDir = CommandLineHost.Defaulted("--notebooks", "The notebooks folder", Path.Combine(root, "notebooks"));
        var cellTimeout = CommandLineHost.Typed<double?>("--cell-timeout",
                "Stop a cell that runs longer than this many seconds (it saves what it can), exit 1")
            .Check(seconds => seconds is <= 0 ? "--cell-timeout must be a positive number of seconds." : null);
        var logOutput = CommandLineHost.Defaulted("--log-output",
            "Stream what each cell prints and displays while it runs (false: only cell ends)", true);
        var oneProcess = new Option<bool>("--one-process")
        {
            Description = "Run every notebook in this process (by default each gets a process of its own, as a kernel in VS Code " +
                "or Jupyter: it starts on fresh memory)"
        };
        // The child a run starts for each notebook (NotebookProcess): it runs that one notebook here and leaves its result in FILE.
        var worker = new Option<string?>("--worker") { Hidden = true };

        var command = CommandLineHost.Root("bertnb-run: executes the notebooks, each in a process of its own, and saves them with " +
            "their outputs.", []);
        foreach (var option in new Option[] { parameters, parametersFile, profile, html, publish, outputDir, notebooksDir,
            cellTimeout, logOutput, oneProcess, worker })
            command.Add(option);
        command.Add(notebooks);
        command.SetAction(async (parsed, cancellation) =>
        {
            var fromFile = parsed.GetValue(parametersFile) is { } file ? NotebookParameter.ReadFile(file) : [];
            var fromCommandLine = (parsed.GetValue(parameters) ?? []).Select(NotebookParameter.Parse).ToList();
            var all = ParameterInjector.WithProfile([.. fromFile.Where(f => !fromCommandLine.Any(p => p.Name == f.Name)),
                .. fromCommandLine], parsed.GetValue(profile));
            var publishDir = parsed.GetValue(publish) is { } folder ? Path.GetFullPath(folder) : null;
            var options = new RunOptions(Path.GetFullPath(parsed.GetValue(outputDir)!), all,
                parsed.GetValue(html) || publishDir is not null)
            {
                CellTimeout = parsed.GetValue(cellTimeout) is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
                LogOutput = parsed.GetValue(logOutput),
            };
            // Notebooks run in their own folder; a relative dataset path the user typed starts where they stand (BertPaths.WorkingDir).
            if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("BERTNB_WORKING_DIR")))
                Environment.SetEnvironmentVariable("BERTNB_WORKING_DIR", Directory.GetCurrentDirectory());
            try
            {
                var paths = NotebookRunner.Resolve(Path.GetFullPath(parsed.GetValue(notebooksDir)!), parsed.GetValue(notebooks) ?? []);
                if (parsed.GetValue(worker) is { } resultFile) return await RunWorkerAsync(paths, options, resultFile, output, cancellation);
                return await RunAsync(paths, options, !parsed.GetValue(oneProcess), parsed.GetValue(profile), publishDir, output, error,
                    cancellation);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or InvalidDataException)
            {
                error.WriteLine($"error: {e.Message}"); // a notebook that is missing or not a notebook: bad input, not a failed run
                return BadInput;
            }
        });
        return command;
    }

    static async Task<int> RunAsync(IReadOnlyList<string> paths, RunOptions options, bool processPerNotebook, string? profile,
        string? publishDir, TextWriter output, TextWriter error, CancellationToken cancel)
    {
        var results = processPerNotebook
            ? await new NotebookProcess(options, output, error).RunAllAsync(paths, cancel)
            : await new NotebookRunner(options, new ConsoleProgress(output)).RunAllAsync(paths, cancel);

        var entries = RunSummary.Entries(paths, results);
        var summary = RunSummary.Write(options.OutputDir, entries, profile);
        output.WriteLine();
        output.WriteLine(RunSummary.Table(entries));
        output.WriteLine($"Executed notebooks and {Path.GetFileName(summary)} in {options.OutputDir}");

        if (results[^1] is not { FailedCell: { } failed } failure)
        {
            if (publishDir is null) return Success;
            var command = "dotnet run --project lib/BertNotebooks.Runner -- " + string.Join(" ", Environment.GetCommandLineArgs().Skip(1));
            output.WriteLine($"Expected outputs published: {ExpectedOutputs.Publish(publishDir, results, entries, profile, command, processPerNotebook)}");
            return Success;
        }
        error.WriteLine(failed.Reason switch
        {
            StopReason.Interrupted => $"{failed.Error} The partly executed notebook is {failure.OutputPath}; " +
                "run again to continue (training resumes from its checkpoint).",
            StopReason.TimedOut => $"error: {failed.Error} Raise --cell-timeout, or choose a smaller profile. " +
                $"The partly executed notebook is {failure.OutputPath}.",
            StopReason.ProcessEnded => $"error: {failed.Error}",
            _ => string.Join(Environment.NewLine, $"error: notebook '{failure.SourcePath}' failed at cell {failed.CellNumber}:",
                WithoutStackTrace(failed.Error),
                $"The partly executed notebook is {failure.OutputPath} (the cell's output holds the stack trace)."),
        });
        return ExitCode(failed.Reason);
    }

    /// <summary>The exit code of a run, or of one notebook in a worker, that stopped for <paramref name="reason"/> (null: it
    /// finished): 130 where it was interrupted, as a shell reports Ctrl+C, else 1.</summary>
    static int ExitCode(StopReason? reason) => reason switch
    {
        null => Success,
        StopReason.Interrupted => Interrupted,
        _ => CellFailed,
    };

    /// <summary>
    /// One notebook in this process for a parent run (<see cref="NotebookProcess"/>): its result in <paramref name="resultFile"/>,
    /// its cells' progress on the output; a line on standard input (or its end: the parent is gone) stops it as Ctrl+C would.
    /// </summary>
    static async Task<int> RunWorkerAsync(IReadOnlyList<string> paths, RunOptions options, string resultFile, TextWriter output,
        CancellationToken cancel)
    {
        if (paths.Count != 1) throw new ArgumentException("--worker runs exactly one notebook.");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        _ = Task.Run(() =>
        {
            Console.In.ReadLine(); // NotebookProcess.InterruptLine, or null when the parent has closed it
            stop.Cancel();
        }, CancellationToken.None);
        var result = await new NotebookRunner(options, new ConsoleProgress(output)).RunAsync(paths[0], stop.Token);
        AtomicFile.WriteJson(resultFile, result);
        return ExitCode(result.FailedCell?.Reason);
    }

    /// <summary>A cell's error as the kernel reported it, less its stack frames: the exception's message and its inner
    /// exceptions' (<c>---&gt; …</c>), which name the problem and the fix.</summary>
    public static string WithoutStackTrace(string? error) => string.Join('\n', (error ?? "").ReplaceLineEndings("\n").Split('\n')
        .Where(line => line.TrimStart() is var text && !text.StartsWith("at ", StringComparison.Ordinal)
            && !text.StartsWith("--- End of", StringComparison.Ordinal))).TrimEnd();

    /// <summary>
    /// The checkout: the nearest folder up from the working directory that holds BertNotebooks.sln, else the working directory.
    /// </summary>
    public static string FindRepositoryRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "BertNotebooks.sln"))) return dir.FullName;
        return start;
    }
}
