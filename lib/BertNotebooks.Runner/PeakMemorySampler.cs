using BertNotebooks.Native;

namespace BertNotebooks.Runner;

/// <summary>
/// The largest resident size of this process while a notebook runs, read every <see cref="Interval"/> (and whenever
/// <see cref="Sample"/> is called, as after each cell). Sampled rather than read from the OS's high-water mark, which
/// covers the whole process and which only Linux can start over: starting it over would also hide the true peak from
/// <c>time -v</c> and the like. A spike shorter than the interval can be missed; a training step holds its memory for most
/// of its duration.
/// </summary>
sealed class PeakMemorySampler : IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    readonly Timer _timer;
    readonly Lock _gate = new();
    long? _peak;

    public PeakMemorySampler()
    {
        Sample();
        _timer = new Timer(_ => Sample(), null, Interval, Interval);
    }

    /// <summary>The largest resident size seen so far, in bytes; null where the OS tells none.</summary>
    public long? PeakBytes
    {
        get
        {
            lock (_gate) return _peak;
        }
    }

    public void Sample()
    {
        if (ProcessMemory.ResidentBytes is not long resident) return;
        lock (_gate) _peak = Math.Max(_peak ?? 0, resident);
    }

    public void Dispose() => _timer.Dispose();
}
