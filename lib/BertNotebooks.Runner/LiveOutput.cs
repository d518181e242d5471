using System.Diagnostics;
using System.Text;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;

namespace BertNotebooks.Runner;

/// <summary>
/// What a running cell shows, as console lines while it runs, as papermill's <c>--log-output</c> does, so that a CI log
/// shows where training stands: every complete line the cell writes to stdout or stderr, and the last line of each
/// display's plain text as it updates, at most one per display per <c>interval</c> (the latest is kept, and written at the
/// end of the cell if it was held back). Events arrive on the kernel's threads; lines leave one at a time.
/// </summary>
public sealed class LiveOutput(Action<string> writeLine, TimeSpan interval)
{
    const int MaxLineLength = 200;

    readonly Lock _gate = new();
    readonly StringBuilder _partialLine = new();
    readonly Dictionary<string, (long LastWritten, string? Held)> _displays = [];
    readonly Stopwatch _clock = Stopwatch.StartNew();

    public void Observe(KernelEvent e)
    {
        lock (_gate)
        {
            switch (e)
            {
                case StandardOutputValueProduced or StandardErrorValueProduced:
                    Stream(PlainText(((DisplayEvent)e).FormattedValues));
                    break;
                case DisplayedValueProduced or DisplayedValueUpdated:
                    var display = (DisplayEvent)e;
                    if (LastLine(PlainText(display.FormattedValues)) is { } line) Display(display.ValueId ?? "", line);
                    break;
            }
        }
    }

    /// <summary>At the end of the cell: the unfinished stdout line and each display's held-back last state.</summary>
    public void Flush()
    {
        lock (_gate)
        {
            if (_partialLine.Length > 0) Write(_partialLine.ToString());
            _partialLine.Clear();
            foreach (var held in _displays.Values.Select(d => d.Held).OfType<string>()) Write(held);
            _displays.Clear();
        }
    }

    void Stream(string text)
    {
        foreach (var c in text)
        {
            if (c == '\n') { Write(_partialLine.ToString()); _partialLine.Clear(); }
            else if (c != '\r') _partialLine.Append(c);
        }
    }

    void Display(string id, string line)
    {
        var now = _clock.ElapsedMilliseconds;
        if (_displays.TryGetValue(id, out var shown) && now - shown.LastWritten < interval.TotalMilliseconds)
        {
            _displays[id] = shown with { Held = line };
            return;
        }
        _displays[id] = (now, null);
        Write(line);
    }

    void Write(string line)
    {
        line = line.TrimEnd();
        if (line.Length > 0) writeLine(line.Length > MaxLineLength ? line[..(MaxLineLength - 1)] + "…" : line);
    }

    static string PlainText(IEnumerable<FormattedValue> values) =>
        values.FirstOrDefault(v => v.MimeType == PlainTextFormatter.MimeType)?.Value ?? "";

    /// <summary>A progress display's newest state is its last line (a status text, the last row of a log table).</summary>
    static string? LastLine(string text) =>
        text.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.Length > 0);
}
