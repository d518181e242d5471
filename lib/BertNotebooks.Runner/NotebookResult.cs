namespace BertNotebooks.Runner;

/// <summary>The first cell that failed: its 1-based number in the executed notebook (injected cell included) and the error.</summary>
public sealed record CellFailure(int CellNumber, string Error);

/// <summary>How one notebook went. <see cref="OutputPath"/> is written even when a cell failed, up to that cell.</summary>
public sealed record NotebookResult(
    string Notebook,
    string SourcePath,
    string OutputPath,
    string? HtmlPath,
    bool Succeeded,
    TimeSpan Duration,
    int CellsRun,
    CellFailure? FailedCell)
{
    public string Status => Succeeded ? "ok" : "failed";
}

/// <summary>What the runner reports per cell, for a console or a test log.</summary>
public sealed record CellProgress(string Notebook, int CellNumber, int CellCount, CellStage Stage, TimeSpan Elapsed, string? Error = null);

public enum CellStage { Started, Succeeded, Failed }

/// <summary>Where the runner writes, and which parameters it injects into every notebook it runs.</summary>
public sealed record RunOptions(string OutputDir, IReadOnlyList<NotebookParameter> Parameters, bool Html = false);
