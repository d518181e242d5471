using Microsoft.Data.Analysis;

namespace BertNotebooks.Display;

/// <summary>What <see cref="ConsoleDisplay.Show"/> returns, as the kernel's <c>display</c> returns a value to update.</summary>
public sealed class ConsoleDisplayHandle
{
    bool _shown;
    long? _rowsShown; // a table's rows already printed, when a table is shown

    /// <summary>
    /// Replaces the display: text is redrawn in place (a live status line); a table that grew prints its new rows, one
    /// line each with their non-empty cells (a live log); anything else is printed again.
    /// </summary>
    public void Update(object? value)
    {
        switch (value)
        {
            case string text when _shown:
                ConsoleDisplay.WriteStatus(text);
                break;
            case DataFrame frame when _shown && _rowsShown is not null:
                for (var row = _rowsShown.Value; row < frame.Rows.Count; row++) ConsoleDisplay.WriteLine(ConsoleDisplay.Row(frame, row));
                _rowsShown = Math.Max(_rowsShown.Value, frame.Rows.Count);
                break;
            default:
                ConsoleDisplay.WriteLine(ConsoleDisplay.Format(value));
                _rowsShown = value is DataFrame shown ? Math.Min(shown.Rows.Count, ConsoleDisplay.MaxRows) : null;
                break;
        }
        _shown = true;
    }
}
