namespace BertNotebooks.Data;

/// <summary>CSV or TSV with a header line; the text, label and optional second-text columns are chosen by name.</summary>
public sealed class DelimitedFileReader(char delimiter, string textColumn, string labelColumn, string? pairColumn) : ILabelledRowReader
{
    public List<LabelledRow> Read(string path, RowProblems problems)
    {
        using var records = CsvParser.Parse(TextFileDecoder.ReadUtf8(path), delimiter, path).GetEnumerator();
        if (!records.MoveNext()) throw new DatasetFormatException(path, null,
            "the file has no header line: its first line must name the columns.");
        var (headerLine, header) = records.Current;
        var text = Column(header, textColumn, nameof(DatasetSpec.TextColumn), path, headerLine);
        var label = Column(header, labelColumn, nameof(DatasetSpec.LabelColumn), path, headerLine);
        var pair = pairColumn is null ? (int?)null : Column(header, pairColumn, nameof(DatasetSpec.PairColumn), path, headerLine);

        var rows = new List<LabelledRow>();
        while (records.MoveNext())
        {
            var (line, fields) = records.Current;
            if (fields.Length != header.Length)
            {
                problems.Report(path, line, $"the row has {fields.Length} fields but the header has {header.Length}: " +
                    $"put fields that contain {(delimiter == '\t' ? "tabs" : "commas")} or line breaks in double quotes");
                continue;
            }
            rows.Add(new LabelledRow(path, line, fields[text], pair is { } p ? fields[p] : null, fields[label]));
        }
        return rows;
    }

    static int Column(string[] header, string name, string option, string path, int line)
    {
        var index = Array.IndexOf(header, name);
        return index >= 0 ? index : throw new DatasetFormatException(path, line,
            $"no column named '{name}'; " +
            $"the columns are: {string.Join(", ", header.Select(h => $"'{h}'"))}. {DatasetSpec.HowToSetColumn(option)}");
    }
}
