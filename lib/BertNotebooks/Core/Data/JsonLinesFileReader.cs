using System.Text.Json;

namespace BertNotebooks.Data;

/// <summary>
/// JSON Lines: one object a line, the text, label and optional second-text fields chosen by name. Labels may be strings or integers.
/// </summary>
public sealed class JsonLinesFileReader(string textField, string labelField, string? pairField) : ILabelledRowReader
{
    public List<LabelledRow> Read(string path, RowProblems problems)
    {
        var rows = new List<LabelledRow>();
        var lines = TextFileDecoder.ReadUtf8(path).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i])) continue;
            if (Row(path, i + 1, lines[i], problems) is { } row) rows.Add(row);
        }
        return rows;
    }

    LabelledRow? Row(string path, int line, string json, RowProblems problems)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            problems.Report(path, line, $"not valid JSON ({e.Message}): write one JSON object per line");
            return null;
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                problems.Report(path, line, $"a JSON {root.ValueKind.ToString().ToLowerInvariant()}, not an object: " +
                    $"write one {{\"{textField}\": ..., \"{labelField}\": ...}} per line");
                return null;
            }
            var text = Field(root, textField, nameof(DatasetSpec.TextColumn), path, line, problems, allowNumber: false);
            var label = text is null
                ? null
                : Field(root, labelField, nameof(DatasetSpec.LabelColumn), path, line, problems, allowNumber: true);
            var pair = label is null || pairField is null
                ? null
                : Field(root, pairField, nameof(DatasetSpec.PairColumn), path, line, problems, allowNumber: false);
            if (text is null || label is null || (pairField is not null && pair is null)) return null;
            return new LabelledRow(path, line, text, pair, label);
        }
    }

    static string? Field(JsonElement root, string name, string option, string path, int line, RowProblems problems, bool allowNumber)
    {
        if (!root.TryGetProperty(name, out var value))
        {
            problems.Report(path, line,
                $"no field '{name}'; the fields are: {string.Join(", ", root.EnumerateObject().Select(p => $"'{p.Name}'"))}. " +
                DatasetSpec.HowToSetColumn(option).TrimEnd('.'));
            return null;
        }
        if (value.ValueKind == JsonValueKind.String) return value.GetString();
        if (allowNumber && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var integer))
            return integer.ToString(System.Globalization.CultureInfo.InvariantCulture);
        problems.Report(path, line, $"field '{name}' is a JSON {value.ValueKind.ToString().ToLowerInvariant()}; " +
            $"it must be a string{(allowNumber ? " or an integer" : "")}");
        return null;
    }
}
