using BertNotebooks.Data;

namespace BertNotebooks.Tests.Data;

public class DatasetSplitsTests
{
    static readonly string[] Classes = ["neg", "pos"];

    static DatasetSplits Sample(bool withTest) => new(
        new TextDataset([new("good \"film\"\n", null, 1), new("bad", "pair text", 0)], Classes),
        new TextDataset([new("ok \u00e9\u4e2d", null, 1)], Classes),
        withTest ? new TextDataset([new("meh", null, 0)], Classes) : null);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Save_then_load_gives_back_the_same_splits(bool withTest)
    {
        using var temp = new TempFolder();
        var path = Path.Combine(temp.Path, "run", DatasetSplits.FileName);
        var splits = Sample(withTest);

        splits.Save(path);
        var loaded = DatasetSplits.Load(path);

        Assert.Equal(Classes, loaded.ClassNames);
        Assert.Equal(splits.Train.Examples, loaded.Train.Examples);
        Assert.Equal(splits.Validation.Examples, loaded.Validation.Examples);
        Assert.Equal(splits.Test?.Examples, loaded.Test?.Examples);
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));   // no temp file left beside it
    }

    [Fact]
    public void Loading_a_missing_file_says_to_run_01_data()
    {
        var error = Assert.Throws<FileNotFoundException>(() => DatasetSplits.Load("/nonexistent/split.json"));
        Assert.Contains("run 01-data first", error.Message);
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("{\"class_names\": [\"a\"], \"train\": []}")]
    [InlineData("{\"class_names\": [\"a\"], \"train\": [{\"text\": \"x\", \"label\": 3}], \"validation\": []}")]
    public void A_damaged_file_names_itself_and_says_to_rewrite_it(string content)
    {
        using var temp = new TempFolder();
        var path = temp.File("split.json", content);

        var error = Assert.Throws<InvalidDataException>(() => DatasetSplits.Load(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("run 01-data again", error.Message);
    }

    [Fact]
    public void Splits_must_share_class_names() =>
        Assert.Throws<ArgumentException>(() => new DatasetSplits(
            new TextDataset([new("a", null, 0)], ["x"]), new TextDataset([new("b", null, 0)], ["y"])));

    [Fact]
    public void A_label_outside_the_class_names_is_refused() =>
        Assert.Throws<ArgumentException>(() => new TextDataset([new("a", null, 2)], Classes));
}
