namespace BertNotebooks.Tests.TestSupport;

/// <summary>An <see cref="IProgress{T}"/> of lines that keeps them, synchronously and in order, for assertions.</summary>
public sealed class LineLog : IProgress<string>
{
    public List<string> Lines { get; } = [];

    public void Report(string value) => Lines.Add(value);
}
