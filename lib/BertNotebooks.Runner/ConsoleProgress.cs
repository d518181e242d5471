namespace BertNotebooks.Runner;

/// <summary>Prints each cell as it starts and ends, synchronously: <see cref="Progress{T}"/> would reorder lines on the thread pool.</summary>
public sealed class ConsoleProgress(TextWriter output) : IProgress<CellProgress>
{
    public void Report(CellProgress p)
    {
        switch (p.Stage)
        {
            case CellStage.Started:
                output.Write($"[{p.Notebook}] cell {p.CellNumber}/{p.CellCount} ... ");
                break;
            case CellStage.Succeeded:
                output.WriteLine($"ok ({p.Elapsed.TotalSeconds:0.0} s)");
                break;
            case CellStage.Failed:
                output.WriteLine($"FAILED ({p.Elapsed.TotalSeconds:0.0} s)");
                break;
        }
        output.Flush();
    }
}
