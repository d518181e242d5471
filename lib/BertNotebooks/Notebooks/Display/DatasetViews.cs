using BertNotebooks.Data;
using Microsoft.Data.Analysis;

namespace BertNotebooks.Display;

/// <summary>DataFrames that notebooks display: the documents, and how many each class has in each split.</summary>
public static class DatasetViews
{
    /// <summary>
    /// One row per example: <c>text</c> (its first <paramref name="previewChars"/> characters, line breaks shown as ⏎),
    /// <c>label</c>, <c>label_name</c>, <c>chars</c> and, given a counter, <c>tokens</c>. The counter is passed in so
    /// that data does not depend on a tokenizer.
    /// </summary>
    public static DataFrame Documents(TextDataset data, int previewChars = 80, Func<string, int>? countTokens = null, int? maxRows = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(previewChars);
        var examples = data.Examples.Take(maxRows ?? int.MaxValue).ToArray();
        var columns = new List<DataFrameColumn>
        {
            new StringDataFrameColumn("text", examples.Select(e => Preview(e.Text, previewChars))),
        };
        if (examples.Any(e => e.TextPair is not null))
            columns.Add(new StringDataFrameColumn("text_pair",
                examples.Select(e => e.TextPair is null ? null : Preview(e.TextPair, previewChars))));
        columns.Add(new Int32DataFrameColumn("label", examples.Select(e => e.Label)));
        columns.Add(new StringDataFrameColumn("label_name", examples.Select(e => data.ClassNames[e.Label])));
        columns.Add(new Int32DataFrameColumn("chars", examples.Select(e => e.Text.Length + (e.TextPair?.Length ?? 0))));
        if (countTokens is not null)
            columns.Add(new Int32DataFrameColumn("tokens",
                examples.Select(e => countTokens(e.Text) + (e.TextPair is null ? 0 : countTokens(e.TextPair)))));
        return new DataFrame(columns);
    }

    /// <summary>One row per class: <c>label</c>, <c>label_name</c>, then a count column per split (train, validation, test).</summary>
    public static DataFrame ClassCounts(DatasetSplits splits)
    {
        var columns = new List<DataFrameColumn>
        {
            new Int32DataFrameColumn("label", Enumerable.Range(0, splits.NumLabels)),
            new StringDataFrameColumn("label_name", splits.ClassNames),
        };
        foreach (var (name, data) in splits.Named())
            columns.Add(new Int32DataFrameColumn(name, data.CountPerClass()));
        return new DataFrame(columns);
    }

    static string Preview(string text, int chars)
    {
        var flat = text.ReplaceLineEndings("⏎");
        return flat.Length <= chars ? flat : string.Concat(flat.AsSpan(0, chars), "…");
    }
}
