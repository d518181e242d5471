using System.Collections.Concurrent;
using System.Text.Json;
using BertNotebooks.Runner;

namespace BertNotebooks.Notebooks.Tests.Infrastructure;

/// <summary>
/// Runs notebooks headlessly through the runner's classes, in this process, with outputs in a fresh temp folder, and
/// reads the executed notebooks back for assertions.
/// </summary>
public sealed class NotebookHarness : IDisposable
{
    public NotebookHarness()
    {
        Root = Path.Combine(Path.GetTempPath(), "bertnb-notebook-tests", Guid.NewGuid().ToString("N"));
        OutputDir = Path.Combine(Root, "out");
        Directory.CreateDirectory(OutputDir);
    }

    /// <summary>A temp folder for the test's notebooks and outputs, deleted with the harness.</summary>
    public string Root { get; }
    public string OutputDir { get; }

    /// <summary>Every cell event the runner reported, in order.</summary>
    public ConcurrentQueue<CellProgress> Progress { get; } = new();

    /// <summary>The checkout these tests run from (holds BertNotebooks.sln).</summary>
    public static string RepositoryRoot { get; } = RunnerCommand.FindRepositoryRoot(AppContext.BaseDirectory);

    public Task<NotebookResult> RunAsync(string notebookPath, IReadOnlyList<NotebookParameter>? parameters = null, bool html = false) =>
        Runner(parameters ?? [], html).RunAsync(notebookPath);

    /// <summary>
    /// Runs every notebook in <paramref name="notebooksDir"/> in order with <c>--profile</c> and optional parameters, as
    /// <c>bertnb-run --profile NAME --html</c> does; stops at the first failing notebook.
    /// </summary>
    public Task<IReadOnlyList<NotebookResult>> RunFolderAsync(string notebooksDir, string profile,
        IReadOnlyList<NotebookParameter>? parameters = null, bool html = true) =>
        Runner(ParameterInjector.WithProfile(parameters ?? [], profile), html).RunAllAsync(NotebookRunner.Resolve(notebooksDir, []));

    NotebookRunner Runner(IReadOnlyList<NotebookParameter> parameters, bool html) =>
        new(new RunOptions(OutputDir, parameters, html), new Recorder(Progress));

    /// <summary>The executed notebook's cells as JSON, to check sources, outputs and execution counts.</summary>
    public static JsonElement[] Cells(string executedNotebookPath)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(executedNotebookPath));
        return [.. document.RootElement.GetProperty("cells").EnumerateArray().Select(c => c.Clone())];
    }

    /// <summary>All text a cell printed or displayed, outputs joined, for assertions that do not care about the form.</summary>
    public static string OutputText(JsonElement cell) =>
        string.Join("\n", cell.GetProperty("outputs").EnumerateArray().Select(o => o.GetRawText()));

    public void Dispose()
    {
        if (Directory.Exists(Root)) Directory.Delete(Root, recursive: true);
    }

    sealed class Recorder(ConcurrentQueue<CellProgress> events) : IProgress<CellProgress>
    {
        public void Report(CellProgress value) => events.Enqueue(value);
    }
}
