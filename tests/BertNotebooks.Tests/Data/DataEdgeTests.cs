using System.Text;
using BertNotebooks.Data;
using BertNotebooks.Recipe;

namespace BertNotebooks.Tests.Data;

/// <summary>
/// Data a user brings that is not what it seems: an unpacked archive, UTF-16, an empty class, changed classes, relative paths.
/// </summary>
[Collection(EnvironmentCollection.Name)] // sets BERTNB_WORKING_DIR
public sealed class DataEdgeTests : IDisposable
{
    readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    static NewsgroupsOptions Local(string source) =>
        new() { LocalSource = source, AllowDownload = false, CacheDirectory = "/nonexistent-bertnb-cache" };

    [Fact]
    public void An_uncompressed_tar_is_read_like_the_tar_gz()
    {
        var gz = TestArchives.Write(_temp.File("a.tar.gz"), TestArchives.TinyCorpus);
        var tar = _temp.File("a.tar");
        using (var file = File.Create(tar)) TestArchives.WriteTar(file, TestArchives.TinyCorpus);

        var fromTar = Newsgroups.Load(NewsgroupsSubset.All, Local(tar));
        var fromGz = Newsgroups.Load(NewsgroupsSubset.All, Local(gz));

        Assert.Equal(fromGz.Examples.Select(e => (e.Text, e.Label)), fromTar.Examples.Select(e => (e.Text, e.Label)));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_utf16_file_is_named_as_utf16_with_the_fix(bool byteOrderMark)
    {
        var path = _temp.File("reviews.csv");
        File.WriteAllText(path, "text,label\ngreat film,pos\nawful,neg\n", new UnicodeEncoding(bigEndian: false, byteOrderMark));

        var e = Assert.Throws<DatasetFormatException>(() => DatasetSpec.Csv(path).Load());

        Assert.Contains("the file is UTF-16", e.Message);
        Assert.Contains("Re-save it as UTF-8", e.Message);
    }

    [Fact]
    public void An_empty_class_folder_is_named()
    {
        _temp.File("data/sport/1.txt", "the team won");
        Directory.CreateDirectory(_temp.File("data/space"));

        var e = Assert.Throws<DatasetFormatException>(() => DatasetSpec.Folder(_temp.File("data")).Load());

        Assert.Contains("the class folder 'space' holds no .txt files", e.Message);
    }

    [Fact]
    public void Data_remade_before_any_training_replaces_the_run_record()
    {
        string Csv(string name, params string[] labels) =>
            _temp.File(name,
                "text,label\n" + string.Join("\n", Enumerable.Range(0, 12).Select(i => $"text number {i},{labels[i % labels.Length]}"))
                    + "\n");
        var run = RunSettings.For("smoke") with { RunName = _temp.File("run"), Dataset = Csv("before.csv", "sport", "space") };
        RecipeStages.PrepareData(run, log: new LineLog());
        var after = run with { Dataset = Csv("after.csv", "sport", "cars") };

        var splits = RecipeStages.PrepareData(after, log: new LineLog());

        var record = RunRecord.Load(run.RunDir)!;
        Assert.Equal((RunStage.Data, after.Dataset), (record.Stage, record.Settings.Dataset));
        Assert.Equal(RunRecord.HashOf(run.SplitPath), record.SplitHash);
        Assert.Equal(["cars", "sport"], splits.ClassNames);
    }

    [Fact]
    public void A_relative_dataset_path_starts_at_the_working_directory_the_runner_passes_on()
    {
        _temp.File("mine/reviews.csv",
            "text,label\n" + string.Join("\n", Enumerable.Range(0, 10).Select(i => $"text {i},{(i % 2 == 0 ? "a" : "b")}")) + "\n");
        var before = Environment.GetEnvironmentVariable("BERTNB_WORKING_DIR");
        try
        {
            Environment.SetEnvironmentVariable("BERTNB_WORKING_DIR", _temp.Path);

            var splits = DatasetSpec.Parse("mine/reviews.csv").Load();

            Assert.Equal(["a", "b"], splits.ClassNames);
        }
        finally
        {
            Environment.SetEnvironmentVariable("BERTNB_WORKING_DIR", before);
        }
    }
}

/// <summary>Tests that change process-wide environment variables run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EnvironmentCollection
{
    public const string Name = "process environment";
}
