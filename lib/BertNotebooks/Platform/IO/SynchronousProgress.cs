namespace BertNotebooks.IO;

/// <summary>
/// Reports on the calling thread, at once and in order: <see cref="Progress{T}"/> posts each report to the caller's
/// synchronisation context or the thread pool, so lines come late, out of order, or never when that context's thread is
/// blocked (a notebook cell that waits on a download).
/// </summary>
public sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
