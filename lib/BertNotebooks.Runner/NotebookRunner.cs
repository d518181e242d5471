using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using BertNotebooks.IO;
using BertNotebooks.Native;
using BertNotebooks.Recipe;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Documents.Jupyter;
using Microsoft.DotNet.Interactive.Events;

namespace BertNotebooks.Runner;

/// <summary>
/// Executes .ipynb notebooks in this process, cell by cell, as VS Code's Polyglot Notebooks would: a fresh C# kernel per
/// notebook, the notebook's folder as working directory, outputs and execution counts saved into the executed copy.
/// A cancelled token (Ctrl+C) or a cell over <see cref="RunOptions.CellTimeout"/> stops the running cell the way the
/// library listens for (<see cref="BertNotebooks.Recipe.Interruption"/>: the Trainer saves a checkpoint), and the notebook
/// is saved with the cells run so far.
/// </summary>
public sealed class NotebookRunner(RunOptions options, IProgress<CellProgress>? progress = null)
{
    /// <summary>The working directory is per process, so notebooks run one at a time, whoever calls.</summary>
    static readonly SemaphoreSlim OneAtATime = new(1, 1);

    /// <summary>
    /// Runs the notebooks in order and stops at the first that fails; its result is the last in the list. All are read
    /// first, so that a broken file is reported before minutes of training, not after.
    /// </summary>
    public async Task<IReadOnlyList<NotebookResult>> RunAllAsync(IReadOnlyList<string> notebookPaths, CancellationToken cancel = default)
    {
        CheckBeforeRunning(notebookPaths, options);
        return await InTurnAsync(notebookPaths, path => RunAsync(path, cancel), cancel);
    }

    /// <summary>What a run checks before its first cell, in this process or a process per notebook: every notebook reads
    /// and takes the run's parameters, and the output folder (made here) takes files.</summary>
    public static void CheckBeforeRunning(IReadOnlyList<string> notebookPaths, RunOptions options)
    {
        ParameterInjector.Validate(notebookPaths.Select(p => (Path.GetFileNameWithoutExtension(p), Read(p))).ToList(), options.Parameters);
        RequireWritable(options.OutputDir);
    }

    /// <summary>Runs each notebook with <paramref name="run"/>, in order, and stops after the first that fails or when the
    /// run is cancelled; the results so far, the failed one last.</summary>
    public static async Task<IReadOnlyList<NotebookResult>> InTurnAsync(IReadOnlyList<string> notebookPaths,
        Func<string, Task<NotebookResult>> run, CancellationToken cancel)
    {
        var results = new List<NotebookResult>();
        foreach (var path in notebookPaths)
        {
            var result = await run(path);
            results.Add(result);
            if (!result.Succeeded || cancel.IsCancellationRequested) break;
        }
        return results;
    }

    /// <summary>Fails before the first cell, not after an hour of training, when the executed notebooks could not be saved.</summary>
    static void RequireWritable(string outputDir)
    {
        var probe = Path.Combine(outputDir, $".bertnb-run-write-test-{Environment.ProcessId}");
        try
        {
            Directory.CreateDirectory(outputDir);
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new ArgumentException($"Cannot write to the output folder '{Path.GetFullPath(outputDir)}' ({e.Message}); " +
                "pass --output a folder you can write to.", e);
        }
    }

    public async Task<NotebookResult> RunAsync(string notebookPath, CancellationToken cancel = default)
    {
        var source = Path.GetFullPath(notebookPath);
        var name = Path.GetFileNameWithoutExtension(source);
        var notebook = Read(source);
        ParameterInjector.Inject(notebook, options.Parameters, name);

        await OneAtATime.WaitAsync(cancel);
        var workingDir = Directory.GetCurrentDirectory();
        var clock = Stopwatch.StartNew();
        CellFailure? failure;
        int cellsRun;
        long? peakMemory;
        try
        {
            Directory.SetCurrentDirectory(Path.GetDirectoryName(source)!);
            (cellsRun, failure) = await ExecuteAsync(notebook, name, cancel);
        }
        finally
        {
            Directory.SetCurrentDirectory(workingDir);
            // Read here, on this thread, not sampled by a timer: a timer allocates on another thread, and a collection set off
            // there during a TorchSharp call can finalize the call's temporaries (with one, 05 failed once in Tensor.add
            // on a Scalar LibTorch no longer recognised).
            peakMemory = ProcessMemory.PeakResidentBytes;
            // The notebook's kernel is gone, and with it everything its cells held (models, optimizers, data): give it back
            // before the next notebook, which would otherwise start on top of it.
            TorchNative.ReturnFreedMemory();
            OneAtATime.Release();
        }

        NotebookCharts.EmbedInNotebook(notebook);
        var output = Path.GetFullPath(Path.Combine(options.OutputDir, name + ".ipynb"));
        AtomicFile.Write(output, stream => Notebook.Write(notebook, stream, NotebookKernel.KernelInfos));
        string? html = null;
        if (options.Html)
        {
            html = Path.ChangeExtension(output, ".html");
            AtomicFile.WriteAllText(html, HtmlExporter.Export(notebook, name, Path.GetDirectoryName(source)!));
        }
        return new NotebookResult(name, source, output, html, failure is null, clock.Elapsed, cellsRun, failure, peakMemory);
    }

    /// <summary>Reads a notebook, with errors that say which file and what is wrong with it.</summary>
    public static InteractiveDocument Read(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"Notebook '{path}' does not exist. " +
                "Pass a path to an .ipynb file or a name from the notebooks folder.", path);
        var json = File.ReadAllText(path);
        try
        {
            using var document = JsonDocument.Parse(json);
            // The parser takes any JSON object as an empty notebook; a file without cells is a mistake worth naming.
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("cells", out var cells) || cells.ValueKind != JsonValueKind.Array)
                throw new InvalidDataException($"'{path}' is JSON but not a Jupyter notebook: it has no \"cells\" array. " +
                    "Pass an .ipynb file.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Notebook '{path}' is not valid JSON ({e.Message}). " +
                "Open it in VS Code or restore it from git.", e);
        }
        return Notebook.Parse(json, NotebookKernel.KernelInfos);
    }

    async Task<(int CellsRun, CellFailure? Failure)> ExecuteAsync(InteractiveDocument notebook, string name, CancellationToken cancel)
    {
        foreach (var cell in notebook.Elements)
        {
            cell.Outputs.Clear();
            cell.ExecutionOrder = 0;
        }

        using var kernel = NotebookKernel.Create();
        var count = notebook.Elements.Count;
        var executionCount = 0;
        try
        {
            for (var i = 0; i < count; i++)
            {
                var cell = notebook.Elements[i];
                if (cell.KernelName == "markdown" || string.IsNullOrWhiteSpace(cell.Contents)) continue;
                if (cancel.IsCancellationRequested)
                    return (executionCount, new CellFailure(i + 1, "Interrupted before this cell.", StopReason.Interrupted));

                var clock = Stopwatch.StartNew();
                progress?.Report(new CellProgress(name, i + 1, count, CellStage.Started, TimeSpan.Zero));
                cell.ExecutionOrder = ++executionCount;
                var (events, stopped) = await RunCellAsync(kernel, cell, name, i + 1, count, cancel);
                var error = CellOutputs.Collect(events, cell);
                if (stopped is not null) cell.Outputs.Add(new ErrorElement(stopped.Reason.ToString(), stopped.Error, []));
                var failure = stopped ?? (error is null ? null : new CellFailure(i + 1, error));
                if (failure is not null)
                {
                    var stage = failure.Reason == StopReason.CellFailed ? CellStage.Failed : CellStage.Stopped;
                    progress?.Report(new CellProgress(name, i + 1, count, stage, clock.Elapsed, failure.Error));
                    return (executionCount, failure);
                }
                progress?.Report(new CellProgress(name, i + 1, count, CellStage.Succeeded, clock.Elapsed));
            }
            return (executionCount, null);
        }
        finally
        {
            AppContext.SetData(Interruption.AppContextKey, null);
        }
    }

    /// <summary>
    /// Sends one cell to the kernel and collects its events, streaming them to the console as they come. On Ctrl+C or the
    /// time limit, the library's interruption token is tripped and the cell gets <see cref="RunOptions.StopGrace"/> to
    /// finish (the Trainer saves its checkpoint and returns); one that is still running then is left behind.
    /// </summary>
    async Task<(IReadOnlyCollection<KernelEvent> Events, CellFailure? Stopped)> RunCellAsync(
        CompositeKernel kernel, InteractiveDocumentElement cell, string name, int cellNumber, int count, CancellationToken cancel)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        if (options.CellTimeout is { } limit) stop.CancelAfter(limit);
        AppContext.SetData(Interruption.AppContextKey, stop.Token);

        var live = options.LogOutput && progress is not null
            ? new LiveOutput(line =>
                progress.Report(new CellProgress(name, cellNumber, count, CellStage.Output, TimeSpan.Zero, Text: line)),
                options.LogInterval)
            : null;
        // The kernel's event stream, not the command result: only the stream carries DisplayedValueUpdated (live displays).
        var events = new ConcurrentQueue<KernelEvent>();
        using var subscription = kernel.KernelEvents.Subscribe(new NotebookKernel.EventObserver(e =>
        {
            events.Enqueue(e);
            live?.Observe(e);
        }));
        var run = kernel.SendAsync(new SubmitCode(cell.Contents, cell.KernelName ?? kernel.DefaultKernelName));
        await Task.WhenAny(run, Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default));
        var finished = run.IsCompleted || await Task.WhenAny(run, Task.Delay(options.StopGrace)) == run;
        live?.Flush();
        var snapshot = events.ToArray();
        if (!stop.IsCancellationRequested) return (snapshot, null);

        var timedOut = !cancel.IsCancellationRequested;
        var what = timedOut
            ? $"Cell {cellNumber} of {name} ran longer than the cell timeout ({options.CellTimeout!.Value.TotalSeconds:0.#} s) " +
                "and was stopped"
            : $"Interrupted (Ctrl+C) in cell {cellNumber} of {name}";
        var how = finished
            ? "it stopped and saved what it could."
            : $"it did not stop within {options.StopGrace.TotalSeconds:0} s and was abandoned.";
        return (snapshot, new CellFailure(cellNumber, $"{what}; {how}", timedOut ? StopReason.TimedOut : StopReason.Interrupted));
    }

    /// <summary>
    /// Turns arguments into notebook paths: none means every <c>*.ipynb</c> in <paramref name="notebooksDir"/>, sorted;
    /// a name like <c>01-data</c> means that notebook there; anything else is a path.
    /// </summary>
    public static IReadOnlyList<string> Resolve(string notebooksDir, IReadOnlyList<string> namesOrPaths)
    {
        if (namesOrPaths.Count == 0)
        {
            if (!Directory.Exists(notebooksDir))
                throw new DirectoryNotFoundException($"Notebook folder '{Path.GetFullPath(notebooksDir)}' does not exist. " +
                    "Run from the repository root or pass notebook paths.");
            var all = Directory.EnumerateFiles(notebooksDir, "*.ipynb").Order(StringComparer.Ordinal).ToList();
            return all.Count > 0 ? all : throw new FileNotFoundException($"No .ipynb notebooks in '{Path.GetFullPath(notebooksDir)}'.");
        }
        return [.. namesOrPaths.Select(n =>
        {
            if (File.Exists(n)) return Path.GetFullPath(n);
            var inFolder = Path.GetFullPath(Path.Combine(notebooksDir,
                n.EndsWith(".ipynb", StringComparison.OrdinalIgnoreCase) ? n : n + ".ipynb"));
            if (File.Exists(inFolder)) return inFolder;
            var lookedAt = Path.GetFullPath(n) == inFolder ? $"'{inFolder}'" : $"'{Path.GetFullPath(n)}' and '{inFolder}'";
            throw new FileNotFoundException($"Notebook '{n}' not found (looked for {lookedAt}). " +
                $"Pass an .ipynb path or a name from {notebooksDir}.", n);
        })];
    }
}
