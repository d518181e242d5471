using System.Collections;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Data.Analysis;
using Plotly.NET;

namespace BertNotebooks.Display;

/// <summary>
/// What a notebook displays, in a terminal: the same values (the DataFrames and Plotly charts of this namespace, plain
/// values) that the notebook kernel renders as HTML. Tables become aligned text (the first <see cref="MaxRows"/> rows),
/// a text display that is updated becomes a status line (with a bar when it counts steps, redrawn in place), and each
/// chart becomes an offline HTML page in <see cref="ChartsDir"/> whose path is printed, opened in the browser only when
/// <see cref="OpenCharts"/> is set.
/// The file-based apps (notebooks/apps) call it where the notebook shows a value.
/// </summary>
public static partial class ConsoleDisplay
{
    static readonly Lock Gate = new();
    static bool _lineOpen; // a status line drawn in place, not yet ended
    static int _charts;

    public static TextWriter Out { get; set; } = Console.Out;

    /// <summary>Table rows shown; the rest are counted.</summary>
    public static int MaxRows { get; set; } = 10;

    /// <summary>Where charts are written; the run folder's charts/ once the app knows its run.</summary>
    public static string ChartsDir { get; set; } = Path.Combine(BertPaths.DataDir, "charts");

    /// <summary>A prefix for chart file names (the app's name).</summary>
    public static string ChartsPrefix { get; set; } = "chart";

    /// <summary>Opens each chart in the default browser (an app's <c>--open</c>).</summary>
    public static bool OpenCharts { get; set; }

    /// <summary>Shows <paramref name="value"/> as the notebook's <c>display(value)</c> would; the handle updates it.</summary>
    public static ConsoleDisplayHandle Show(object? value)
    {
        var handle = new ConsoleDisplayHandle();
        handle.Update(value);
        return handle;
    }

    /// <summary>A notebook heading, so that the console output follows the notebook's sections.</summary>
    public static void Heading(string title) => WriteLine($"\n== {title}");

    internal static void WriteLine(string text)
    {
        lock (Gate)
        {
            if (_lineOpen) Out.WriteLine();
            _lineOpen = false;
            Out.WriteLine(text);
            Out.Flush();
        }
    }

    /// <summary>
    /// A status line: with a bar when it tells how far the work is ("train: step 3/8, ..."), redrawn in place on a
    /// terminal, and printed as a line where output goes to a file or a pipe (CI logs).
    /// </summary>
    internal static void WriteStatus(string text)
    {
        var line = Bar(text) + text.ReplaceLineEndings(" ");
        if (Out != Console.Out || Console.IsOutputRedirected)
        {
            WriteLine(line);
            return;
        }
        lock (Gate)
        {
            var width = Console.WindowWidth > 20 ? Console.WindowWidth - 1 : 119; // 0 where the terminal reports no size
            Out.Write("\r" + (line.Length > width ? line[..width] : line.PadRight(width)));
            Out.Flush();
            _lineOpen = true;
        }
    }

    static string Bar(string text)
    {
        if (Fraction().Match(text) is not { Success: true } m || !int.TryParse(m.Groups[1].Value, out var done)
            || !int.TryParse(m.Groups[2].Value, out var total) || total <= 0 || done > total) return "";
        const int width = 20;
        var filled = done * width / total;
        return $"[{new string('#', filled)}{new string('.', width - filled)}] ";
    }

    // "step 3/8": the first count of the form done/total.
    [GeneratedRegex(@"\b(\d+)/(\d+)\b")]
    private static partial Regex Fraction();

    /// <summary>The console form of a value: a table, a chart's file, items one per line, or the value's text.</summary>
    internal static string Format(object? value) => value switch
    {
        null => "null",
        string text => text,
        DataFrame frame => TextTable.Format(frame, MaxRows),
        GenericChart chart => WriteChart(chart),
        IDictionary map => string.Join('\n', map.Keys.Cast<object>().Select(k => $"{Text(k)}: {Text(map[k])}")),
        IEnumerable items => Items(items.Cast<object?>().ToList()),
        _ when Text(value) == value.GetType().ToString() => Properties(value),
        _ => Wrapped(Text(value)),
    };

    /// <summary>
    /// An object without its own text (a class such as BertConfig): its public properties, as the kernel's table shows them.
    /// </summary>
    static string Properties(object value) =>
        value.GetType().Name + "\n" + string.Join('\n', value.GetType().GetProperties()
            .Where(p => p.GetIndexParameters().Length == 0)
            .Select(p => $"  {p.Name}: {Text(p.GetValue(value))}"));

    /// <summary>One table row as <c>name value</c> pairs, leaving out empty cells: a live log's new entry.</summary>
    internal static string Row(DataFrame frame, long row) =>
        string.Join("  ", frame.Columns.Where(c => c[row] is not null).Select(c => $"{c.Name} {TextTable.Cell(c[row])}"));

    /// <summary>A record's one-line text (<c>RunSettings { Profile = smoke, … }</c>) cut into lines at its commas.</summary>
    static string Wrapped(string text, int width = 120)
    {
        if (text.Length <= width || text.Contains('\n')) return text;
        var lines = new List<string> { "" };
        foreach (var part in text.Split(", "))
            if (lines[^1].Length == 0) lines[^1] = part;
            else if (lines[^1].Length + 2 + part.Length <= width) lines[^1] += ", " + part;
            else { lines[^1] += ","; lines.Add("  " + part); }
        return string.Join('\n', lines);
    }

    static string Items(IReadOnlyList<object?> items) =>
        items.All(i => i is null or string or IFormattable) && items.Sum(i => Text(i).Length) < 200
            ? $"[{string.Join(", ", items.Select(Text))}]"
            : string.Join('\n', items.Take(MaxRows).Select(Text))
                + (items.Count > MaxRows ? $"\n… {items.Count - MaxRows} more ({items.Count} in all)" : "");

    static string Text(object? value) => value switch
    {
        null => "null",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>A page of its own for each chart, with plotly.js inlined (<see cref="PlotlyOffline"/>): it draws without network.</summary>
    static string WriteChart(GenericChart chart)
    {
        Directory.CreateDirectory(ChartsDir);
        var path = Path.Combine(ChartsDir, $"{ChartsPrefix}-{Interlocked.Increment(ref _charts)}.html");
        IO.AtomicFile.WriteAllText(path, PlotlyOffline.Page(GenericChart.toChartHTML(chart), Path.GetFileNameWithoutExtension(path)));
        if (OpenCharts) Process.Start(new ProcessStartInfo(path) { UseShellExecute = true })?.Dispose();
        return $"chart: {path}";
    }
}
