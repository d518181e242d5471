namespace BertNotebooks.Data;

/// <summary>
/// What happens to a bad row: by default it stops the load with the file, line and fix; with
/// <see cref="DatasetLoadOptions.SkipBadRows"/> it is left out and listed, never dropped silently.
/// </summary>
public sealed class RowProblems(bool skipBadRows)
{
    readonly List<SkippedRow> skipped = [];

    public IReadOnlyList<SkippedRow> Skipped => skipped;

    public void Report(string file, int line, string problem)
    {
        if (!skipBadRows) throw new DatasetFormatException(file, line, $"{problem} (or leave such rows out with SkipBadRows: " +
            "bertnb train --skip-bad-rows, or RunSettings.SkipBadRows = true in a notebook).");
        skipped.Add(new SkippedRow(file, line, problem));
    }
}
