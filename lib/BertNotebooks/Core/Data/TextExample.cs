namespace BertNotebooks.Data;

/// <summary>One labelled text, or a text pair (sentence-pair tasks put the second text in <paramref name="TextPair"/>).</summary>
/// <param name="Label">Index into the dataset's class names.</param>
public sealed record TextExample(string Text, string? TextPair, int Label);
