namespace BertNotebooks.Data;

/// <summary>One row as read from a file, before labels become indices: where it was, its text(s) and its label as written.</summary>
public sealed record LabelledRow(string File, int Line, string Text, string? TextPair, string Label);
