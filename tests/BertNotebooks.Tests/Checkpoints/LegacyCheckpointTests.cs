using BertNotebooks.Checkpoints;
using BertNotebooks.Modeling;
using BertNotebooks.Tests.Modeling;
using BertNotebooks.Tests.TestSupport;
using TorchSharp;

namespace BertNotebooks.Tests.Checkpoints;

/// <summary>Checkpoints shaped like the hub's older ones: what transformers renames, drops and initialises, we do too.</summary>
public sealed class LegacyCheckpointTests : IDisposable
{
    readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    static BertConfig PreTrainingConfig()
    {
        var config = SmallBert.Config();
        config.HiddenSize = 64; // enough classifier weights to estimate their spread
        config.Architectures = ["BertForPreTraining"];
        return config;
    }

    /// <summary>
    /// Writes a folder from an encoder's tensors, renamed by <paramref name="rename"/> and joined by <paramref name="extra"/>.
    /// </summary>
    string Folder(BertConfig config, Dictionary<string, torch.Tensor> encoder, Func<string, string> rename,
        Dictionary<string, torch.Tensor> extra)
    {
        var folder = temp.File(Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        config.Save(Path.Combine(folder, CheckpointFiles.Config));
        var tensors = encoder.ToDictionary(p => rename(p.Key), p => p.Value);
        foreach (var (k, v) in extra) tensors[k] = v;
        SafeTensors.Save(Path.Combine(folder, CheckpointFiles.Weights), tensors);
        return folder;
    }

    [Fact]
    public void PreTrainingCheckpointWithGammaBetaLoadsIntoAClassifierAndSaysWhatItDid()
    {
        torch.manual_seed(21);
        var config = PreTrainingConfig();
        using var source = new BertModel(config);
        using var scope = torch.NewDisposeScope();
        var encoder = source.state_dict().ToDictionary(p => "bert." + p.Key, p => p.Value);
        var folder = Folder(config, encoder,
            k => k.Replace("LayerNorm.weight", "LayerNorm.gamma").Replace("LayerNorm.bias", "LayerNorm.beta"),
            new()
            {
                ["bert.embeddings.position_ids"] = torch.arange(24, dtype: torch.int64).unsqueeze(0),
                ["cls.predictions.bias"] = torch.zeros(50),
                ["cls.predictions.transform.dense.weight"] = torch.zeros(64, 64),
                ["cls.predictions.transform.LayerNorm.gamma"] = torch.ones(64),
                ["cls.seq_relationship.weight"] = torch.zeros(2, 64),
            });

        var (model, report) = BertForSequenceClassification.FromPretrained(folder, ["x", "y", "z", "w", "v"]);
        using var _ = model;

        Assert.Contains(new RenamedKey("bert.embeddings.LayerNorm.gamma", "bert.embeddings.LayerNorm.weight"), report.Renamed);
        Assert.Contains(new RenamedKey("bert.encoder.layer.1.output.LayerNorm.beta", "bert.encoder.layer.1.output.LayerNorm.bias"),
            report.Renamed);
        Assert.Equal(2 * 4 + 2 + 1, report.Renamed.Count); // 4 per block (two LayerNorms), 2 in the embeddings, 1 in the dropped head
        Assert.Equal(["bert.embeddings.position_ids", "cls.predictions.bias", "cls.predictions.transform.LayerNorm.gamma",
                      "cls.predictions.transform.dense.weight", "cls.seq_relationship.weight"], report.Dropped);
        Assert.Equal(["classifier.bias", "classifier.weight"], report.Initialised.Select(k => k.Key));
        Assert.Contains("classifier.weight (missing from the checkpoint)", report.ToString());
        Assert.Contains("cls.seq_relationship.weight", report.ToString());

        var loaded = model.state_dict();
        foreach (var (key, tensor) in encoder) TensorAssert.Equal(tensor, loaded[key], key);
        Assert.Equal(0.0, loaded["classifier.bias"].abs().max().item<float>());
        Assert.InRange(loaded["classifier.weight"].std().item<float>(), 0.17, 0.23); // initializer_range 0.2
        Assert.InRange(loaded["classifier.weight"].mean().item<float>(), -0.04, 0.04);
    }

    [Fact]
    public void EncoderOnlyCheckpointWithoutPrefixOrPoolerGetsBothInitialised()
    {
        torch.manual_seed(22);
        var config = PreTrainingConfig();
        config.Architectures = ["BertModel"];
        using var source = new BertModel(config, addPoolingLayer: false);
        using var scope = torch.NewDisposeScope();
        var encoder = source.state_dict();
        var folder = Folder(config, encoder, k => k, new());

        var (model, report) = BertForSequenceClassification.FromPretrained(folder);
        using var _ = model;
        Assert.Empty(report.Renamed); // the bert. prefix is added silently, as transformers does
        Assert.Equal(["bert.pooler.dense.bias", "bert.pooler.dense.weight", "classifier.bias", "classifier.weight"],
            report.Initialised.Select(k => k.Key));
        Assert.Empty(report.Dropped);
        var loaded = model.state_dict();
        foreach (var (key, tensor) in encoder) TensorAssert.Equal(tensor, loaded["bert." + key], key);
    }

    [Fact]
    public void StrictLoadingOfALegacyCheckpointNamesWhatIsMissing()
    {
        var config = PreTrainingConfig();
        using var source = new BertModel(config);
        var folder = Folder(config, source.state_dict().ToDictionary(p => "bert." + p.Key, p => p.Value), k => k, new());
        var e = Assert.Throws<InvalidDataException>(() => BertForSequenceClassification.FromPretrained(folder, strict: true));
        Assert.Contains("classifier.bias, classifier.weight", e.Message);
    }

    [FixtureFact("tiny-bert")]
    public void ClassifierCheckpointLoadsIntoABareEncoder()
    {
        var folder = Shared.Fixture("tiny-bert");
        var checkpoint = CheckpointFiles.LoadStateDict(folder);
        using var model = new BertModel(BertConfig.Load(Path.Combine(folder, CheckpointFiles.Config)));
        var report = StateDictLoader.Load(model, checkpoint, folder, strict: false, mayReinitialise: _ => false);
        Assert.Equal(["classifier.bias", "classifier.weight"], report.Dropped);
        Assert.Empty(report.Initialised);
        Assert.Empty(report.Renamed);
        TensorAssert.Equal(checkpoint["bert.pooler.dense.weight"], model.state_dict()["pooler.dense.weight"], "pooler");
        foreach (var t in checkpoint.Values) t.Dispose();
    }
}
