using System.Text;
using BertNotebooks.Data;

namespace BertNotebooks.Tests.Data;

public class OwnDataFormatTests
{
    static readonly DatasetLoadOptions NoStratify = new() { Split = new SplitOptions(Stratify: false) };

    [Fact]
    public void Csv_with_quotes_commas_line_breaks_and_given_splits()
    {
        using var temp = new TempFolder();
        var train = temp.File("train.csv",
            "id,review,stars\r\n1,\"Great, really \"\"great\"\"\",pos\r\n2,\"two\nlines\",neg\r\n3,plain 5\" screen,pos\r\n");
        var validation = temp.File("dev.csv", "review,stars,id\nfine,pos,9\n");
        var test = temp.File("test.csv", "stars,review\nneg,awful\n");

        var splits = DatasetSpec.Csv(train, textColumn: "review", labelColumn: "stars", validationPath: validation, testPath: test).Load();

        Assert.Equal(["neg", "pos"], splits.ClassNames);
        Assert.Equal(
            [new TextExample("Great, really \"great\"", null, 1), new("two\nlines", null, 0), new("plain 5\" screen", null, 1)],
            splits.Train.Examples);
        Assert.Equal([new TextExample("fine", null, 1)], splits.Validation.Examples);
        Assert.Equal([new TextExample("awful", null, 0)], splits.Test!.Examples);
        Assert.Empty(splits.Skipped);
    }

    [Fact]
    public void Tsv_with_sentence_pairs_and_a_seeded_split()
    {
        using var temp = new TempFolder();
        var lines = Enumerable.Range(0, 10).Select(i => $"question {i}\tanswer {i}\t{(i % 2 == 0 ? "yes" : "no")}");
        var path = temp.File("pairs.tsv", "q\ta\tlabel\n" + string.Join("\n", lines));

        var spec = DatasetSpec.Tsv(path, textColumn: "q", pairColumn: "a");
        var splits = spec.Load();

        Assert.Equal(["no", "yes"], splits.ClassNames);
        Assert.Equal(8, splits.Train.Count);
        Assert.Equal([1, 1], splits.Validation.CountPerClass());
        Assert.All(splits.Train.Examples.Concat(splits.Validation.Examples),
            e => Assert.Equal(e.Text.Replace("question", "answer"), e.TextPair));
        Assert.Null(splits.Test);
        Assert.Equal(splits.Validation.Examples, spec.Load().Validation.Examples);
    }

    [Fact]
    public void Json_lines_with_integer_labels_sorted_numerically()
    {
        using var temp = new TempFolder();
        var path = temp.File("data.jsonl",
            "{\"body\": \"a\", \"y\": 10}\n\n{\"body\": \"b\", \"y\": 9}\n{\"body\": \"c\", \"y\": 2}\n{\"body\": \"d\", \"y\": 10}\n");
        var test = temp.File("test.jsonl", "{\"body\": \"e\", \"y\": 9, \"extra\": true}\n");

        var splits = DatasetSpec.JsonLines(path, textField: "body", labelField: "y", testPath: test).Load(NoStratify);

        Assert.Equal(["2", "9", "10"], splits.ClassNames);
        Assert.Equal([new TextExample("e", null, 1)], splits.Test!.Examples);
        Assert.Equal(4, splits.Train.Count + splits.Validation.Count);
    }

    [Fact]
    public void String_labels_sort_ordinally()
    {
        Assert.Equal(["B", "a", "b"], LabelledDatasetBuilder.ClassNames(["b", "a", "B", "a"]));
        Assert.Equal(["-1", "0", "2", "10"], LabelledDatasetBuilder.ClassNames(["10", "2", "-1", "0"]));
        Assert.Equal(["10", "2", "x"], LabelledDatasetBuilder.ClassNames(["10", "2", "x"]));
    }

    [Fact]
    public void A_folder_per_class_reads_txt_files_in_order()
    {
        using var temp = new TempFolder();
        temp.File("train/sports/b.txt", "goal");
        temp.File("train/sports/a.txt", "match");
        temp.File("train/tech/1.txt", "chip\nset");
        temp.File("train/tech/2.txt", "code");
        temp.File("train/README.md", "not data");
        temp.File("train/tech/notes.md", "not data");
        temp.File("val/tech/x.txt", "cpu");

        var splits = DatasetSpec.Folder(Path.Combine(temp.Path, "train"), validationPath: Path.Combine(temp.Path, "val")).Load();

        Assert.Equal(["sports", "tech"], splits.ClassNames);
        Assert.Equal(["match", "goal", "chip\nset", "code"], splits.Train.Examples.Select(e => e.Text));
        Assert.Equal([new TextExample("cpu", null, 1)], splits.Validation.Examples);
    }

    [Fact]
    public void A_utf8_byte_order_mark_is_not_part_of_the_first_column_name()
    {
        using var temp = new TempFolder();
        var path = temp.File("bom.csv", [.. Encoding.UTF8.Preamble, .. Encoding.UTF8.GetBytes("text,label\nhi,a\nyo,a\n")]);

        var splits = DatasetSpec.Csv(path).Load(NoStratify);

        Assert.Equal(2, splits.Train.Count + splits.Validation.Count);
    }

    [Theory]
    [InlineData("20newsgroups", DatasetFormat.Newsgroups)]
    [InlineData("20NewsGroups?categories=sci.space, rec.autos", DatasetFormat.Newsgroups)]
    [InlineData("data/x.csv", DatasetFormat.Csv)]
    [InlineData("data/x.tsv?text=q&pair=a&label=y&validation=data/v.tsv&test=data/t.tsv", DatasetFormat.Tsv)]
    [InlineData("data/x.jsonl", DatasetFormat.JsonLines)]
    [InlineData("data/x.txt?format=csv&text=body", DatasetFormat.Csv)]
    [InlineData("data/train?format=folder", DatasetFormat.Folder)]
    public void Parse_reads_one_string_and_round_trips_through_ToString(string text, DatasetFormat format)
    {
        var spec = DatasetSpec.Parse(text);

        Assert.Equal(format, spec.Format);
        var again = DatasetSpec.Parse(spec.ToString());
        Assert.Equal(spec.ToString(), again.ToString());
        Assert.Equal(spec.Categories, again.Categories);
        Assert.Equal((spec.Path, spec.TextColumn, spec.LabelColumn, spec.PairColumn, spec.ValidationPath, spec.TestPath),
            (again.Path, again.TextColumn, again.LabelColumn, again.PairColumn, again.ValidationPath, again.TestPath));
    }

    [Fact]
    public void Parse_fills_columns_and_categories()
    {
        var tsv = DatasetSpec.Parse("data/x.tsv?text=q&pair=a&label=y&validation=data/v.tsv");
        Assert.Equal(("data/x.tsv", "q", "a", "y", "data/v.tsv", (string?)null),
            (tsv.Path, tsv.TextColumn, tsv.PairColumn, tsv.LabelColumn, tsv.ValidationPath, tsv.TestPath));
        Assert.Equal(["sci.space", "rec.autos"], DatasetSpec.Parse("20newsgroups?categories=sci.space, rec.autos").Categories!);
    }

    [Theory]
    [InlineData("data/x.parquet", "?format=csv")]
    [InlineData("data/x.csv?colour=red", "unknown option colour")]
    [InlineData("data/x.csv?format=xml", "unknown format 'xml'")]
    [InlineData("20newsgroups?text=body", "unknown option text")]
    [InlineData("data/x.csv?text", "not key=value")]
    public void Parse_explains_what_it_cannot_read(string text, string expected) =>
        Assert.Contains(expected, Assert.Throws<FormatException>(() => DatasetSpec.Parse(text)).Message);

    [Fact]
    public void The_20newsgroups_spec_pools_all_messages_or_keeps_the_bydate_test_set()
    {
        using var temp = new TempFolder();
        var archive = TestArchives.Write(Path.Combine(temp.Path, "a.tar.gz"), TestArchives.TinyCorpus);
        var options = new DatasetLoadOptions
        {
            Split = new SplitOptions(ValidationFraction: 0.5),
            Newsgroups = new NewsgroupsOptions { LocalSource = archive, AllowDownload = false },
        };

        var bydate = DatasetSpec.Parse("20newsgroups?categories=rec.autos,sci.space&subset=train").Load(options);
        var pooled = DatasetSpec.Parse("20newsgroups?categories=rec.autos,sci.space").Load(options);

        Assert.Equal(["rec.autos", "sci.space"], bydate.ClassNames);
        Assert.Equal([1, 1], bydate.Train.CountPerClass());
        Assert.Equal([1, 1], bydate.Validation.CountPerClass());
        Assert.Equal(2, bydate.Test!.Count);
        Assert.Equal([1, 1], pooled.Train.CountPerClass()); // 3 messages a class, half of them (rounded up) validate
        Assert.Equal([2, 2], pooled.Validation.CountPerClass());
        Assert.Null(pooled.Test);
    }
}
