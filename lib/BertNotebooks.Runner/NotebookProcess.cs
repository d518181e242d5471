using System.ComponentModel;
using System.Diagnostics;
using System.Text.Json;
using BertNotebooks.IO;

namespace BertNotebooks.Runner;

/// <summary>
/// Runs each notebook in a process of its own, as VS Code and Jupyter give each notebook a kernel process of its own: a
/// notebook starts on a fresh process, not on top of what earlier notebooks' kernels, compilations and freed tensors left in
/// this one (measured: a third of a GB by the time 04-training starts), and a crash in native code stops only its notebook.
/// The child is this program with <c>--worker</c>: it runs the one notebook in-process (<see cref="NotebookRunner"/>), its
/// output passes through here as it comes, and it leaves its <see cref="NotebookResult"/> in a file. Ctrl+C reaches it as a
/// line on its standard input (and, from a terminal, as its own Ctrl+C), so it stops the way the in-process runner stops.
/// </summary>
public sealed class NotebookProcess(RunOptions options, TextWriter output, TextWriter error)
{
    /// <summary>What the parent writes to a worker's standard input to interrupt it.</summary>
    public const string InterruptLine = "interrupt";

    /// <summary>
    /// <see cref="NotebookRunner.RunAllAsync"/>, a process per notebook: every notebook read and its parameters checked first,
    /// then one after another, stopping at the first that fails.
    /// </summary>
    public async Task<IReadOnlyList<NotebookResult>> RunAllAsync(IReadOnlyList<string> notebookPaths, CancellationToken cancel)
    {
        NotebookRunner.CheckBeforeRunning(notebookPaths, options);
        var parametersFile = Path.Combine(options.OutputDir, $".bertnb-run-parameters-{Environment.ProcessId}.json");
        // A name given twice (-p x=1 -p x=2) ends as its last value, as the in-process runner's injected assignments end.
        AtomicFile.WriteJson(parametersFile, options.Parameters.GroupBy(p => p.Name).ToDictionary(g => g.Key, g => g.Last().Value));
        try
        {
            return await NotebookRunner.InTurnAsync(notebookPaths, path => RunAsync(Path.GetFullPath(path), parametersFile, cancel),
                cancel);
        }
        finally
        {
            File.Delete(parametersFile);
        }
    }

    async Task<NotebookResult> RunAsync(string notebookPath, string parametersFile, CancellationToken cancel)
    {
        var name = Path.GetFileNameWithoutExtension(notebookPath);
        var resultFile = Path.Combine(options.OutputDir, $".{name}.result-{Environment.ProcessId}.json");
        File.Delete(resultFile);
        var start = WorkerStart();
        foreach (var argument in (string[])["--worker", resultFile, notebookPath, "--output", options.OutputDir,
                     "--parameters-file", parametersFile, $"--log-output={options.LogOutput}"])
            start.ArgumentList.Add(argument);
        if (options.Html) start.ArgumentList.Add("--html");
        if (options.CellTimeout is { } limit)
            foreach (var argument in (string[])["--cell-timeout", limit.TotalSeconds.ToString("R", System.Globalization.CultureInfo.InvariantCulture)])
                start.ArgumentList.Add(argument);

        var clock = Stopwatch.StartNew();
        using var child = Start(start, name);
        var copies = Task.WhenAll(Copy(child.StandardOutput, output), Copy(child.StandardError, error));
        await using (cancel.Register(() => Interrupt(child)))
            await child.WaitForExitAsync(CancellationToken.None);
        await copies;
        try
        {
            return JsonSerializer.Deserialize<NotebookResult>(File.ReadAllText(resultFile))
                ?? throw new InvalidDataException($"{resultFile} is empty.");
        }
        catch (Exception e) when (e is FileNotFoundException or JsonException or InvalidDataException)
        {
            var failure = new CellFailure(0, $"The process running {name} ended (exit code {child.ExitCode}) without reporting how the " +
                "notebook went: it crashed, or was killed. Its last output is above.", StopReason.ProcessEnded);
            return new NotebookResult(name, notebookPath, Path.Combine(options.OutputDir, name + ".ipynb"), null, false, clock.Elapsed,
                0, failure);
        }
        finally
        {
            File.Delete(resultFile);
        }
    }

    static Process Start(ProcessStartInfo start, string notebook)
    {
        try
        {
            return Process.Start(start) ?? throw new Win32Exception("no process was started");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"Could not start a process for {notebook} ({start.FileName}: {e.Message}); " +
                "run with --one-process to run the notebooks in this process.", e);
        }
    }

    /// <summary>Asks the worker to stop its cell as Ctrl+C would; it saves what it can and exits.</summary>
    static void Interrupt(Process child)
    {
        try
        {
            child.StandardInput.WriteLine(InterruptLine);
            child.StandardInput.Flush();
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException) { } // it has ended
    }

    /// <summary>Passes what the worker writes through as it comes, partial lines included ("cell 3/9 ... " before its "ok").</summary>
    static async Task Copy(StreamReader from, TextWriter to)
    {
        var buffer = new char[4096];
        int read;
        while ((read = await from.ReadAsync(buffer)) > 0)
        {
            lock (to)
            {
                to.Write(buffer, 0, read);
                to.Flush();
            }
        }
    }

    /// <summary>
    /// This program again: under <c>dotnet bertnb-run.dll</c>, the same host and dll; as its own executable (apphost, or a
    /// .NET tool's shim), that executable; from another host (a test), the apphost beside the dll, else <c>dotnet</c> and the dll.
    /// </summary>
    static ProcessStartInfo WorkerStart()
    {
        var dll = typeof(NotebookProcess).Assembly.Location;
        var process = Environment.ProcessPath;
        var start = new ProcessStartInfo
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        var appHost = Path.ChangeExtension(dll, OperatingSystem.IsWindows() ? ".exe" : null);
        if (process is not null && Path.GetFileNameWithoutExtension(process).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.FileName = process;
            start.ArgumentList.Add(dll);
        }
        else if (process is not null && System.Reflection.Assembly.GetEntryAssembly() == typeof(NotebookProcess).Assembly)
            start.FileName = process;
        else if (File.Exists(appHost))
            start.FileName = appHost;
        else
        {
            start.FileName = "dotnet";
            start.ArgumentList.Add(dll);
        }
        return start;
    }
}
