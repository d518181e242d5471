using System.Text;
using BertNotebooks.Data;

namespace BertNotebooks.Tests.Data;

/// <summary>Each kind of bad input stops the load with the file, the line and the fix; skipping is explicit and counted.</summary>
public class OwnDataBadInputTests
{
    static DatasetFormatException Fails(DatasetSpec spec, DatasetLoadOptions? options = null) =>
        Assert.Throws<DatasetFormatException>(() => spec.Load(options));

    [Fact]
    public void A_missing_column_lists_the_columns_found()
    {
        using var temp = new TempFolder();
        var path = temp.File("a.csv", "review,stars\nnice,pos\n");

        var error = Fails(DatasetSpec.Csv(path, labelColumn: "stars"));

        Assert.Equal((path, 1), (error.File, error.Line));
        Assert.Contains("no column named 'text'; the columns are: 'review', 'stars'. Set TextColumn", error.Message);
    }

    [Fact]
    public void A_missing_json_field_lists_the_fields_found()
    {
        using var temp = new TempFolder();
        var path = temp.File("a.jsonl", "{\"text\": \"x\", \"label\": \"a\"}\n{\"txt\": \"y\", \"label\": \"a\"}\n");

        var error = Fails(DatasetSpec.JsonLines(path));

        Assert.Equal((path, 2), (error.File, error.Line));
        Assert.Contains("no field 'text'; the fields are: 'txt', 'label'", error.Message);
    }

    [Theory]
    [InlineData("text,label\nfine,a\n  ,b\nok,a\n", 3, "the text is empty")]
    [InlineData("text,label\nfine,a\nsome,\nok,a\n", 3, "the label is empty")]
    [InlineData("text,label\nfine,a\ntoo,many,fields\nok,a\n", 3, "has 3 fields but the header has 2")]
    public void A_bad_row_names_its_line_and_skipping_it_is_counted(string csv, int line, string expected)
    {
        using var temp = new TempFolder();
        var path = temp.File("a.csv", csv);
        var spec = DatasetSpec.Csv(path);

        var error = Fails(spec);
        Assert.Equal((path, line), (error.File, error.Line));
        Assert.Contains(expected, error.Message);
        Assert.Contains("SkipBadRows", error.Message);

        var splits = spec.Load(new DatasetLoadOptions { SkipBadRows = true, Split = new SplitOptions(Stratify: false) });
        var skipped = Assert.Single(splits.Skipped);
        Assert.Equal((path, line), (skipped.File, skipped.Line));
        Assert.Equal(2, splits.Train.Count + splits.Validation.Count);
    }

    [Fact]
    public void An_empty_pair_text_is_a_bad_row()
    {
        using var temp = new TempFolder();
        var path = temp.File("a.tsv", "a\tb\tlabel\nx\ty\t1\nx\t\t1\n");

        Assert.Contains("second text (pair) is empty", Fails(DatasetSpec.Tsv(path, textColumn: "a", pairColumn: "b")).Message);
    }

    [Fact]
    public void A_validation_or_test_label_absent_from_training_is_named()
    {
        using var temp = new TempFolder();
        var train = temp.File("train.csv", "text,label\nx,a\ny,b\n");
        var validation = temp.File("dev.csv", "text,label\nz,a\nw,c\n");

        var error = Fails(DatasetSpec.Csv(train, validationPath: validation));

        Assert.Equal((validation, 3), (error.File, error.Line));
        Assert.Contains($"label 'c' does not occur in the training data ({train}; its labels: a, b)", error.Message);
        var skipped = DatasetSpec.Csv(train, testPath: validation)
            .Load(new DatasetLoadOptions { SkipBadRows = true, Split = new SplitOptions(Stratify: false) });
        Assert.Equal(1, skipped.Test!.Count);
        Assert.Single(skipped.Skipped);
    }

    [Fact]
    public void A_label_with_one_example_names_its_line_when_stratifying()
    {
        using var temp = new TempFolder();
        var path = temp.File("a.csv", "text,label\nx,a\ny,a\nz,b\nw,a\n");

        var error = Assert.Throws<InvalidDataException>(() => DatasetSpec.Csv(path).Load());

        Assert.Contains($"'b' has a single example ({path} line 4)", error.Message);
    }

    [Fact]
    public void Bytes_that_are_not_utf8_name_the_line_and_suggest_resaving()
    {
        using var temp = new TempFolder();
        var bytes = Encoding.UTF8.GetBytes("text,label\ncaf\u00e9,a\n").Concat(Encoding.Latin1.GetBytes("na\u00efve,b\n")).ToArray();
        var path = temp.File("mixed.csv", bytes);

        var error = Fails(DatasetSpec.Csv(path));

        Assert.Equal((path, 3), (error.File, error.Line));
        Assert.Contains("Re-save the file as UTF-8", error.Message);
    }

    [Fact]
    public void A_folder_text_that_is_not_utf8_names_its_file()
    {
        using var temp = new TempFolder();
        temp.File("root/a/1.txt", "ok");
        var bad = temp.File("root/b/1.txt", Encoding.Latin1.GetBytes("line one\nna\u00efve"));

        var error = Fails(DatasetSpec.Folder(Path.Combine(temp.Path, "root")));

        Assert.Equal((bad, 2), (error.File, error.Line));
    }

    [Theory]
    [InlineData("text,label\n\"never closed,a\nx,b\n", 2, "never closed")]
    [InlineData("text,label\n\"quoted\" tail,a\n", 2, "text follows a closing quote")]
    public void A_malformed_quote_names_its_line(string csv, int line, string expected)
    {
        using var temp = new TempFolder();
        var path = temp.File("q.csv", csv);

        var error = Fails(DatasetSpec.Csv(path), new DatasetLoadOptions { SkipBadRows = true });

        Assert.Equal((path, line), (error.File, error.Line));
        Assert.Contains(expected, error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n \n")]
    public void An_empty_file_is_named(string content)
    {
        using var temp = new TempFolder();
        var path = temp.File("empty.csv", content);

        var error = Fails(DatasetSpec.Csv(path));

        Assert.Equal(path, error.File);
        Assert.Contains("the file is empty", error.Message);
    }

    [Fact]
    public void A_header_without_rows_says_there_is_nothing_to_train_on()
    {
        using var temp = new TempFolder();
        var path = temp.File("a.csv", "text,label\n");

        var error = Fails(DatasetSpec.Csv(path));

        Assert.Equal(path, error.File);
        Assert.Contains("no usable rows", error.Message);
    }

    [Fact]
    public void Invalid_json_lines_are_bad_rows_and_skipping_counts_each()
    {
        using var temp = new TempFolder();
        var path = temp.File("a.jsonl",
            "{\"text\": \"x\", \"label\": 1}\n{oops\n[1,2]\n{\"text\": \"y\", \"label\": 1.5}\n{\"text\": \"z\", \"label\": 1}\n");

        var error = Fails(DatasetSpec.JsonLines(path));
        Assert.Equal(2, error.Line);
        Assert.Contains("not valid JSON", error.Message);

        var splits = DatasetSpec.JsonLines(path).Load(new DatasetLoadOptions { SkipBadRows = true });
        Assert.Equal([2, 3, 4], splits.Skipped.Select(s => s.Line));
        Assert.Contains("must be a string or an integer", splits.Skipped[2].Reason);
    }

    [Fact]
    public void A_missing_file_is_named() =>
        Assert.Contains("/nonexistent/x.csv does not exist",
            Assert.Throws<FileNotFoundException>(() => DatasetSpec.Csv("/nonexistent/x.csv").Load()).Message);
}
