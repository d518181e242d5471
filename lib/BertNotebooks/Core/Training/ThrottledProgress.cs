using System.Diagnostics;

namespace BertNotebooks.Training;

/// <summary>
/// Calls back on the training thread at most every <paramref name="interval"/> (and always for a stage's last step), so
/// that a notebook can redraw a live display without slowing the steps down.
/// </summary>
public sealed class ThrottledProgress(Action<TrainerProgress> report, TimeSpan interval) : IProgress<TrainerProgress>
{
    readonly Stopwatch _sinceLast = Stopwatch.StartNew();

    public ThrottledProgress(Action<TrainerProgress> report) : this(report, TimeSpan.FromSeconds(1)) { }

    public void Report(TrainerProgress value)
    {
        if (_sinceLast.Elapsed < interval && value.Step != value.TotalSteps) return;
        _sinceLast.Restart();
        report(value);
    }
}
