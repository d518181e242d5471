using System.Text.Json;
using System.Text.Json.Serialization;
using BertNotebooks.IO;

namespace BertNotebooks.Data;

/// <summary>
/// Train, validation and (when there is one) test sets sharing one list of class names; saved as <c>split.json</c>, the file
/// that 01-data hands to the notebooks after it.
/// </summary>
public sealed record DatasetSplits
{
    public const string FileName = "split.json";

    public DatasetSplits(TextDataset train, TextDataset validation, TextDataset? test = null, IReadOnlyList<SkippedRow>? skipped = null)
    {
        foreach (var (name, set) in new[] { ("validation", validation), ("test", test) })
            if (set is not null && !set.ClassNames.SequenceEqual(train.ClassNames, StringComparer.Ordinal))
                throw new ArgumentException($"The {name} set's class names differ from the training set's; " +
                    "every split must share one list.");
        Train = train;
        Validation = validation;
        Test = test;
        Skipped = skipped ?? [];
    }

    public TextDataset Train { get; }
    public TextDataset Validation { get; }
    public TextDataset? Test { get; }

    /// <summary>Rows left out under <see cref="DatasetLoadOptions.SkipBadRows"/>; always empty otherwise.</summary>
    public IReadOnlyList<SkippedRow> Skipped { get; }

    public IReadOnlyList<string> ClassNames => Train.ClassNames;
    public int NumLabels => Train.NumLabels;

    /// <summary>The splits in order, by name, skipping an absent test set.</summary>
    public IEnumerable<(string Name, TextDataset Data)> Named()
    {
        yield return ("train", Train);
        yield return ("validation", Validation);
        if (Test is not null) yield return ("test", Test);
    }

    /// <summary>Writes the splits atomically: a crash leaves the previous file or the new one.</summary>
    public void Save(string path) => AtomicFile.WriteJson(path, SplitFile.From(this), Json.Indented);

    /// <summary>Reads a file written by <see cref="Save"/>.</summary>
    public static DatasetSplits Load(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path} does not exist: run 01-data first (it writes {FileName}).", path);
        SplitFile? file;
        try
        {
            using var stream = File.OpenRead(path);
            file = JsonSerializer.Deserialize<SplitFile>(stream);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not a valid {FileName} ({e.Message}): run 01-data again to rewrite it.", e);
        }
        if (file?.ClassNames is null || file.Train is null || file.Validation is null)
            throw new InvalidDataException($"{path} lacks class_names, train or validation: run 01-data again to rewrite it.");
        try
        {
            return file.ToSplits();
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{path} is inconsistent ({e.Message}): run 01-data again to rewrite it.", e);
        }
    }

    sealed record SplitFile(
        [property: JsonPropertyName("class_names")] List<string>? ClassNames,
        [property: JsonPropertyName("train")] List<Row>? Train,
        [property: JsonPropertyName("validation")] List<Row>? Validation,
        [property: JsonPropertyName("test")] List<Row>? Test)
    {
        public static SplitFile From(DatasetSplits splits) =>
            new([.. splits.ClassNames], Rows(splits.Train), Rows(splits.Validation), splits.Test is null ? null : Rows(splits.Test));

        public DatasetSplits ToSplits() => new(Set(Train!), Set(Validation!), Test is null ? null : Set(Test));

        static List<Row> Rows(TextDataset data) => [.. data.Examples.Select(e => new Row(e.Text, e.TextPair, e.Label))];

        TextDataset Set(List<Row> rows) =>
            new([.. rows.Select(r => new TextExample(r.Text ?? throw new ArgumentException("a row has no text"), r.TextPair, r.Label))],
                ClassNames!);
    }

    sealed record Row(
        [property: JsonPropertyName("text")] string? Text,
        [property: JsonPropertyName("text_pair"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? TextPair,
        [property: JsonPropertyName("label")] int Label);
}
