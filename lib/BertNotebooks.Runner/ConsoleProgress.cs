namespace BertNotebooks.Runner;

/// <summary>
/// Prints each cell as it starts and ends, and the lines it shows meanwhile (<see cref="CellStage.Output"/>), each on its
/// own line. Synchronous and locked: <see cref="Progress{T}"/> would reorder lines on the thread pool, and output lines
/// come from the kernel's threads.
/// </summary>
public sealed class ConsoleProgress(TextWriter output) : IProgress<CellProgress>
{
    readonly Lock _gate = new();
    bool _startOpen; // "[nb] cell 3/10 ... " written, waiting for its "ok"

    public void Report(CellProgress p)
    {
        lock (_gate)
        {
            var cell = $"[{p.Notebook}] cell {p.CellNumber}/{p.CellCount}";
            switch (p.Stage)
            {
                case CellStage.Started:
                    output.Write($"{cell} ... ");
                    _startOpen = true;
                    break;
                case CellStage.Output:
                    if (_startOpen) output.WriteLine();
                    _startOpen = false;
                    output.WriteLine($"[{p.Notebook}] cell {p.CellNumber} | {p.Text}");
                    break;
                case CellStage.Succeeded or CellStage.Failed or CellStage.Stopped:
                    if (!_startOpen) output.Write($"{cell} ");
                    _startOpen = false;
                    output.WriteLine($"{p.Stage switch { CellStage.Succeeded => "ok", CellStage.Stopped => "stopped", _ => "FAILED" }} " +
                        $"({p.Elapsed.TotalSeconds:0.0} s)");
                    break;
            }
            output.Flush();
        }
    }
}
