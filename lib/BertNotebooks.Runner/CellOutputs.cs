using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;

namespace BertNotebooks.Runner;

/// <summary>Kernel events to .ipynb outputs, the way Polyglot Notebooks saves them.</summary>
static class CellOutputs
{
    /// <summary>Appends the cell's outputs; returns the error text when the cell failed, else null.</summary>
    public static string? Collect(IEnumerable<KernelEvent> events, InteractiveDocumentElement cell)
    {
        var byValueId = new Dictionary<string, int>();
        // .NET Interactive 1.0.0-beta.26120.1 publishes display() with one ValueId and the DisplayedValue's updates with
        // another, so an update with an unknown id takes the oldest display that no update has claimed yet.
        var unclaimed = new Queue<int>();
        string? error = null;
        foreach (var e in events)
        {
            switch (e)
            {
                case StandardOutputValueProduced stdout:
                    AppendStream(cell, "stdout", Text(stdout.FormattedValues));
                    break;
                case StandardErrorValueProduced stderr:
                    AppendStream(cell, "stderr", Text(stderr.FormattedValues));
                    break;
                case ReturnValueProduced value:
                    var returned = new ReturnValueElement { ExecutionOrder = cell.ExecutionOrder };
                    foreach (var (mime, text) in Data(value.FormattedValues)) returned.Data[mime] = text;
                    cell.Outputs.Add(returned);
                    break;
                case DisplayedValueUpdated update when update.ValueId is not null:
                    if (!byValueId.TryGetValue(update.ValueId, out var at))
                    {
                        if (!unclaimed.TryDequeue(out at)) break;
                        byValueId[update.ValueId] = at;
                    }
                    cell.Outputs[at] = new DisplayElement(Data(update.FormattedValues));
                    break;
                case ErrorProduced produced:
                    cell.Outputs.Add(new ErrorElement("Error", produced.Message, []));
                    break;
                case DisplayEvent display and not DisplayedValueUpdated:
                    if (display.ValueId is not null)
                    {
                        byValueId[display.ValueId] = cell.Outputs.Count;
                        unclaimed.Enqueue(cell.Outputs.Count);
                    }
                    cell.Outputs.Add(new DisplayElement(Data(display.FormattedValues)));
                    break;
                case CommandFailed failed when error is null:
                    error = failed.Message;
                    cell.Outputs.Add(new ErrorElement(
                        failed.Exception?.GetType().Name ?? "Error",
                        failed.Message,
                        failed.Exception?.StackTrace?.Split('\n') ?? []));
                    break;
            }
        }
        return error;
    }

    static IDictionary<string, object> Data(IEnumerable<FormattedValue> values) =>
        values.GroupBy(v => v.MimeType).ToDictionary(g => g.Key, g => (object)g.First().Value);

    static string Text(IEnumerable<FormattedValue> values) =>
        values.FirstOrDefault(v => v.MimeType == PlainTextFormatter.MimeType)?.Value ?? string.Concat(values.Select(v => v.Value));

    /// <summary>Console writes arrive in pieces; Jupyter keeps one stream output per run of writes.</summary>
    static void AppendStream(InteractiveDocumentElement cell, string name, string text)
    {
        if (cell.Outputs.Count > 0 && cell.Outputs[^1] is TextElement last && last.Name == name)
            cell.Outputs[^1] = new TextElement(last.Text + text, name);
        else
            cell.Outputs.Add(new TextElement(text, name));
    }
}
