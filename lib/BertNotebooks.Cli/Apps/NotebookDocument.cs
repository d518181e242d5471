using System.Text.Json;

namespace BertNotebooks.Cli.Apps;

/// <summary>
/// One cell of an .ipynb: markdown or code, its text, its tags (the runner's <c>parameters</c> tag) and its id (nbformat
/// 4.5; null where the file has none).
/// </summary>
public sealed record NotebookCell(bool IsCode, string Source, IReadOnlyList<string> Tags, string? Id = null)
{
    public bool IsParameters => Tags.Contains("parameters");
}

/// <summary>The cells of a notebook file, read as Jupyter's format defines them (source as one string or a list of lines).</summary>
public static class NotebookDocument
{
    public static IReadOnlyList<NotebookCell> Read(string path)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        return [.. json.RootElement.GetProperty("cells").EnumerateArray().Select(cell => new NotebookCell(
            cell.GetProperty("cell_type").GetString() == "code",
            cell.GetProperty("source") is { ValueKind: JsonValueKind.Array } lines
                ? string.Concat(lines.EnumerateArray().Select(l => l.GetString()))
                : cell.GetProperty("source").GetString() ?? "",
            cell.TryGetProperty("metadata", out var metadata) && metadata.TryGetProperty("tags", out var tags)
                ? [.. tags.EnumerateArray().Select(t => t.GetString() ?? "")]
                : [],
            cell.TryGetProperty("id", out var id) ? id.GetString() : null))];
    }
}
