namespace BertNotebooks.Runner;

/// <summary>Why a notebook stopped before its end. ProcessEnded: the process running it (<see cref="NotebookProcess"/>) died
/// without a word, in no particular cell.</summary>
public enum StopReason { CellFailed, TimedOut, Interrupted, ProcessEnded }

/// <summary>
/// The cell a notebook stopped at: its 1-based number in the executed notebook (injected cell included), why, and the message.
/// </summary>
public sealed record CellFailure(int CellNumber, string Error, StopReason Reason = StopReason.CellFailed);

/// <summary>How one notebook went. <see cref="OutputPath"/> is written even when it stopped early, up to that cell.
/// <see cref="PeakMemoryBytes"/>: the process's largest resident size so far when it ended (the OS's high-water mark).</summary>
public sealed record NotebookResult(
    string Notebook,
    string SourcePath,
    string OutputPath,
    string? HtmlPath,
    bool Succeeded,
    TimeSpan Duration,
    int CellsRun,
    CellFailure? FailedCell,
    long? PeakMemoryBytes = null)
{
    public string Status => FailedCell?.Reason switch
    {
        null => "ok",
        StopReason.TimedOut => "timed out",
        StopReason.Interrupted => "interrupted",
        _ => "failed",
    };
}

/// <summary>
/// What the runner reports per cell, for a console or a test log; <see cref="CellStage.Output"/> carries one line the cell showed.
/// </summary>
public sealed record CellProgress(string Notebook, int CellNumber, int CellCount, CellStage Stage, TimeSpan Elapsed, string? Error = null,
    string? Text = null);

/// <summary>Stopped: by Ctrl+C or the cell time limit, not by an error of its own.</summary>
public enum CellStage { Started, Succeeded, Failed, Stopped, Output }

/// <summary>
/// Where the runner writes, which parameters it injects into every notebook, and how it watches cells: live output
/// (<see cref="LogOutput"/>, a display's line at most every <see cref="LogInterval"/>), a time limit per cell, and how long a
/// stopped cell (Ctrl+C, the time limit) gets to save its work before it is abandoned.
/// </summary>
public sealed record RunOptions(string OutputDir, IReadOnlyList<NotebookParameter> Parameters, bool Html = false)
{
    public TimeSpan? CellTimeout { get; init; }
    public bool LogOutput { get; init; } = true;
    public TimeSpan LogInterval { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromMinutes(2);
}
