namespace BertNotebooks.Data;

/// <summary>
/// Input data that cannot be read as given. The message starts with the file (and line, where there is one) and says
/// how to fix it; <see cref="File"/> and <see cref="Line"/> carry the same for code.
/// </summary>
public sealed class DatasetFormatException(string file, int? line, string problem, Exception? inner = null)
    : FormatException($"{file}{(line is { } at ? $" line {at}" : "")}: {problem}", inner)
{
    public string File { get; } = file;
    public int? Line { get; } = line;
}
