namespace BertNotebooks.Tests.TestSupport;

/// <summary>Collects reports on the reporting thread (<see cref="Progress{T}"/> would post them later, elsewhere).</summary>
sealed class CollectingProgress<T>(List<T> into) : IProgress<T>
{
    public void Report(T value)
    {
        lock (into) into.Add(value);
    }
}
