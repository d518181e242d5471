using System.Globalization;
using System.Text;
using Microsoft.Data.Analysis;

namespace BertNotebooks.Display;

/// <summary>A DataFrame as aligned text: what a terminal shows where a notebook draws an HTML table.</summary>
public static class TextTable
{
    /// <summary>Cells are cut to this many characters so that a row fits a terminal line.</summary>
    public const int MaxCellChars = 40;

    /// <summary>The first <paramref name="maxRows"/> rows under a header line, then how many were left out.</summary>
    public static string Format(DataFrame frame, int maxRows)
    {
        if (frame.Columns.Count == 0) return "(empty table)";
        var rows = Math.Min(maxRows, frame.Rows.Count);
        var cells = frame.Columns.Select(c => Enumerable.Range(0, (int)rows).Select(r => Cell(c[r])).ToArray()).ToArray();
        var widths = frame.Columns.Select((c, i) => cells[i].Append(c.Name).Max(s => s.Length)).ToArray();
        var rightAligned = frame.Columns.Select(c => c.DataType != typeof(string) && c.DataType != typeof(bool)).ToArray();
        var text = new StringBuilder();
        string Line(Func<int, string> cell) =>
            string.Join("  ", widths.Select((w, i) => rightAligned[i] ? cell(i).PadLeft(w) : cell(i).PadRight(w))).TrimEnd();
        text.AppendLine(Line(i => Cut(frame.Columns[i].Name)));
        for (int r = 0; r < rows; r++) text.AppendLine(Line(i => cells[i][r]));
        var left = frame.Rows.Count - rows;
        if (left > 0) text.AppendLine(CultureInfo.InvariantCulture, $"… {left} more rows ({frame.Rows.Count} in all)");
        return text.ToString().TrimEnd('\n', '\r');
    }

    internal static string Cell(object? value) => Cut(value switch
    {
        null => "",
        double d => d.ToString("G6", CultureInfo.InvariantCulture),
        float f => f.ToString("G6", CultureInfo.InvariantCulture),
        IFormattable n => n.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    });

    static string Cut(string text)
    {
        // Tabs and other control characters would break the columns.
        var flat = new string([.. text.ReplaceLineEndings("⏎").Select(c => char.IsControl(c) ? ' ' : c)]);
        return flat.Length <= MaxCellChars ? flat : string.Concat(flat.AsSpan(0, MaxCellChars - 1), "…");
    }
}
