using BertNotebooks.Data;
using BertNotebooks.Export;
using BertNotebooks.Inference;
using BertNotebooks.Modeling;

namespace BertNotebooks.Tests.Samples;

/// <summary>
/// What the sample tests share, made once: a model folder as a training run leaves it (the shared tiny-bert fixture with
/// the 20 Newsgroups labels, saved with bert-base-uncased's vocabulary through SavePretrained, exported with
/// OnnxExport), validation posts, and the library's Predictor's answers for them: the reference the samples must match.
/// </summary>
public sealed class SmokeModel : IDisposable
{
    /// <summary>How many validation posts the tests send.</summary>
    public const int PostCount = 20;

    readonly Lazy<(string Folder, IReadOnlyList<string> Posts, IReadOnlyList<Prediction> Expected)> _made;
    readonly TempFolder _temp = new();

    public SmokeModel() => _made = new(Make);

    public string Folder => _made.Value.Folder;
    public IReadOnlyList<string> Posts => _made.Value.Posts;
    /// <summary>The library's Predictor on <see cref="Posts"/>, every label.</summary>
    public IReadOnlyList<Prediction> Expected => _made.Value.Expected;

    /// <summary>Null where the fixtures and data are, else why the sample tests cannot run.</summary>
    public static string? MissingReason =>
        Shared.MissingReason("BERTNB_FIXTURES_DIR", "fixtures", "tiny-bert")
        ?? Shared.MissingReason("BERTNB_SHARED_DATA_DIR", "data", "bert-base-uncased-vocab.txt")
        ?? Shared.MissingReason("BERTNB_SHARED_DATA_DIR", "data", Newsgroups.ArchiveName);

    (string, IReadOnlyList<string>, IReadOnlyList<Prediction>) Make()
    {
        var source = Environment.GetEnvironmentVariable("BERTNB_20NG") is { Length: > 0 } set ? set : Shared.Data(Newsgroups.ArchiveName);
        var splits = Newsgroups.LoadSplits(new SplitOptions(), new NewsgroupsOptions { LocalSource = source, AllowDownload = false });
        // The first validation posts, a few of them cut at 512 tokens.
        var posts = splits.Validation.Examples.Take(PostCount).Select(e => e.Text).ToList();

        var vocabFolder = _temp.File("vocab");
        Directory.CreateDirectory(vocabFolder);
        File.Copy(Shared.Data("bert-base-uncased-vocab.txt"), Path.Combine(vocabFolder, "vocab.txt"));
        var folder = _temp.File("best-model");
        var (model, _) = BertForSequenceClassification.FromPretrained(Shared.Fixture("tiny-bert"), splits.ClassNames);
        using (model) model.SavePretrained(folder, splits.ClassNames, vocabFolder);
        OnnxExport.Export(folder);

        using var predictor = Predictor.Load(folder, device: "cpu");
        return (folder, posts, predictor.PredictBatch(posts, topK: splits.ClassNames.Count));
    }

    public void Dispose() => _temp.Dispose();
}

/// <summary>The sample tests: one <see cref="SmokeModel"/> for all of them.</summary>
[CollectionDefinition(Name)]
public sealed class SamplesCollection : ICollectionFixture<SmokeModel>
{
    public const string Name = "samples";
}

/// <summary>A fact that needs the smoke model's fixtures and data: skipped with the reason where they are absent, unless CI=true.</summary>
public sealed class SmokeModelFactAttribute : FactAttribute
{
    public SmokeModelFactAttribute()
    {
        if (!Shared.IsCi && SmokeModel.MissingReason is { } reason) Skip = reason;
    }
}
