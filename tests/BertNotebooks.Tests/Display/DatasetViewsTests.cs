using BertNotebooks.Data;
using BertNotebooks.Display;

namespace BertNotebooks.Tests.Display;

public class DatasetViewsTests
{
    static readonly string[] Classes = ["neg", "pos"];

    [Fact]
    public void Documents_show_a_preview_label_name_chars_and_tokens()
    {
        var data = new TextDataset([new("first line\nsecond line", null, 1), new("bad", null, 0)], Classes);

        var frame = DatasetViews.Documents(data, previewChars: 12, countTokens: t => t.Split(' ', '\n').Length);

        Assert.Equal(["text", "label", "label_name", "chars", "tokens"], frame.Columns.Select(c => c.Name));
        Assert.Equal(2, frame.Rows.Count);
        Assert.Equal("first line⏎s…", frame["text"][0]);
        Assert.Equal("bad", frame["text"][1]);
        Assert.Equal("pos", frame["label_name"][0]);
        Assert.Equal(1, frame["label"][0]);
        Assert.Equal(22, frame["chars"][0]);
        Assert.Equal(4, frame["tokens"][0]);
    }

    [Fact]
    public void Documents_add_the_pair_column_only_for_pairs_and_respect_max_rows()
    {
        var data = new TextDataset([new("q", "a", 1), new("q2", "a2", 0), new("q3", "a3", 0)], Classes);

        var frame = DatasetViews.Documents(data, maxRows: 2);

        Assert.Equal(["text", "text_pair", "label", "label_name", "chars"], frame.Columns.Select(c => c.Name));
        Assert.Equal(2, frame.Rows.Count);
        Assert.Equal("a2", frame["text_pair"][1]);
        Assert.Equal(4, frame["chars"][1]);
    }

    [Fact]
    public void Class_counts_have_a_column_per_split()
    {
        var splits = new DatasetSplits(
            new TextDataset([new("a", null, 0), new("b", null, 1), new("c", null, 1)], Classes),
            new TextDataset([new("d", null, 1)], Classes),
            new TextDataset([new("e", null, 0)], Classes));

        var frame = DatasetViews.ClassCounts(splits);

        Assert.Equal(["label", "label_name", "train", "validation", "test"], frame.Columns.Select(c => c.Name));
        Assert.Equal([1, 2], frame["train"].Cast<int>());
        Assert.Equal([0, 1], frame["validation"].Cast<int>());
        Assert.Equal([1, 0], frame["test"].Cast<int>());
        Assert.Equal(["neg", "pos"], frame["label_name"].Cast<string>());
    }
}
