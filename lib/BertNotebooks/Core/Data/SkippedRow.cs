namespace BertNotebooks.Data;

/// <summary>A row left out because the caller asked for bad rows to be skipped: where it was and why.</summary>
public sealed record SkippedRow(string File, int Line, string Reason)
{
    public override string ToString() => $"{File} line {Line}: {Reason}";
}
