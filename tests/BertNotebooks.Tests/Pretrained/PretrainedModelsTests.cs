using BertNotebooks.Checkpoints;
using BertNotebooks.Modeling;
using BertNotebooks.Pretrained;
using BertNotebooks.Tests.Modeling;
using BertNotebooks.Tests.TestSupport;
using BertNotebooks.Tokenization;
using TorchSharp;

namespace BertNotebooks.Tests.Pretrained;

/// <summary>A models cache of its own, so that the conversions these tests make (once per class) leave no trace.</summary>
public sealed class TemporaryModelsDir : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"bertnb-models-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
    }
}

public sealed class PretrainedModelsTests(TemporaryModelsDir models) : IClassFixture<TemporaryModelsDir>
{
    const string Reference = "minilm-onnx-reference.safetensors";

    string Resolve(string name, List<string>? progress = null) =>
        PretrainedModels.Resolve(name, models.Path, progress is null ? null : new CollectingProgress<string>(progress));

    [FixtureFact(Reference)]
    public void MiniLM_rebuilt_from_NuGet_matches_ONNX_Runtime()
    {
        using var scope = torch.NewDisposeScope();
        var reference = SafeTensors.Load(Shared.Fixture(Reference));
        Assert.Contains("fox", SafeTensors.ReadMetadata(Shared.Fixture(Reference))["sentences"]);
        var (model, report) = BertForSequenceClassification.FromPretrained(Resolve("sentence-transformers/all-MiniLM-L6-v2"));
        using var _ = model;
        model.eval();
        using var noGrad = torch.no_grad();

        var output = model.Bert.forward(new EncodedBatch(reference["input_ids"], reference["attention_mask"], reference["token_type_ids"]));

        // Only the classification head is new: every encoder and pooler tensor came from the ONNX file.
        Assert.All(report.Initialised, k => Assert.StartsWith("classifier.", k.Key));
        Assert.Empty(report.Dropped);
        TensorAssert.Close(reference["last_hidden_state"], output.LastHiddenState, 1e-4, "last_hidden_state");
        TensorAssert.Close(reference["pooler_output"], output.PooledOutput!, 1e-4, "pooler_output");
    }

    [Fact]
    public void MiniLM_becomes_a_plain_HF_folder_with_its_shape_and_an_LF_vocab()
    {
        var folder = Resolve(PretrainedModels.OfflineDefault);

        var config = BertConfig.Load(Path.Combine(folder, CheckpointFiles.Config));
        Assert.Equal((6, 384, 12, 1536, 512, 30522), (config.NumHiddenLayers, config.HiddenSize, config.NumAttentionHeads,
            config.IntermediateSize, config.MaxPositionEmbeddings, config.VocabSize));
        Assert.Equal(["BertModel"], config.Architectures);
        var stateDict = SafeTensors.Load(Path.Combine(folder, CheckpointFiles.Weights));
        Assert.Equal(22_713_216, stateDict.Values.Sum(t => t.numel())); // all-MiniLM-L6-v2's 22.7M parameters
        foreach (var t in stateDict.Values) t.Dispose();
        var vocab = File.ReadAllText(Path.Combine(folder, TokenizerFiles.Vocab));
        Assert.DoesNotContain('\r', vocab);
        Assert.Equal(config.VocabSize, vocab.TrimEnd('\n').Split('\n').Length);
        Assert.True(TokenizerFiles.ReadDoLowerCase(folder));
        Assert.Equal("pt", SafeTensors.ReadMetadata(Path.Combine(folder, CheckpointFiles.Weights))["format"]);
    }

    [Fact]
    public void ArcticXs_loads_with_its_missing_pooler_reported_as_initialised()
    {
        var (model, report) = BertForSequenceClassification.FromPretrained(Resolve("Snowflake/snowflake-arctic-embed-xs"));
        using var _ = model;

        var initialised = report.Initialised.Select(k => k.Key).ToList();
        Assert.Contains("bert.pooler.dense.weight", initialised);
        Assert.Contains("bert.pooler.dense.bias", initialised);
        Assert.All(initialised, k => Assert.True(
            k.StartsWith("bert.pooler.", StringComparison.Ordinal) || k.StartsWith("classifier.", StringComparison.Ordinal), k));
    }

    [Fact]
    public void A_second_Resolve_is_a_cache_hit_that_converts_nothing()
    {
        var first = Resolve("minilm");
        var weights = Path.Combine(first, CheckpointFiles.Weights);
        var written = File.GetLastWriteTimeUtc(weights);
        var progress = new List<string>();

        var second = Resolve("all-MiniLM-L6-v2", progress);

        Assert.Equal(first, second);
        Assert.Empty(progress);
        Assert.Equal(written, File.GetLastWriteTimeUtc(weights));
        Assert.Equal([PretrainedModels.OfflineDefault], Directory.GetDirectories(models.Path).Select(Path.GetFileName)
            .Where(n => n!.StartsWith(PretrainedModels.OfflineDefault, StringComparison.Ordinal)));
    }

    [FixtureFact("tiny-bert/config.json")]
    public void An_existing_folder_is_used_as_it_is()
    {
        var folder = Shared.Fixture("tiny-bert");
        Assert.Equal(Path.GetFullPath(folder), Resolve(folder));
    }

    [Fact]
    public void A_folder_without_config_json_or_a_missing_path_is_a_clear_error()
    {
        var empty = Directory.CreateDirectory(Path.Combine(models.Path, $"empty-{Guid.NewGuid():N}")).FullName;
        Assert.Contains("has no config.json", Assert.Throws<FileNotFoundException>(() => Resolve(empty)).Message);

        var missing = Path.Combine(models.Path, "no", "such", "folder");
        var error = Assert.Throws<DirectoryNotFoundException>(() => Resolve(missing));
        Assert.Contains(missing, error.Message);
        Assert.Contains(PretrainedModels.OfflineDefault, error.Message);
    }

    [Fact]
    public void Known_models_list_the_offline_ones_first_and_each_name_resolves_to_its_entry()
    {
        Assert.True(PretrainedModels.Known[0].Offline);
        Assert.Equal(PretrainedModels.OfflineDefault, PretrainedModels.Known[0].Name);
        Assert.All(PretrainedModels.Known, k => Assert.False(string.IsNullOrWhiteSpace(k.Description)));
        Assert.Single(PretrainedModels.Known, k => k.Matches("ARCTIC-XS"));
        var names = PretrainedModels.Known.SelectMany(k => k.Aliases.Append(k.Name)).ToList();
        Assert.Equal(names.Count, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
    }

    [FixtureFact("tiny-bert/model.safetensors")]
    public void A_hub_repo_id_is_downloaded_once_into_the_models_dir()
    {
        using var server = new LoopbackHttpServer(LoopbackHttpServer.Repository(HubClientTests.Repo, HubClientTests.TinyBertFiles()));
        var previous = Environment.GetEnvironmentVariable("BERTNB_HF_ENDPOINT");
        Environment.SetEnvironmentVariable("BERTNB_HF_ENDPOINT", server.Endpoint);
        try
        {
            var progress = new List<string>();
            var folder = Resolve(HubClientTests.Repo, progress);

            Assert.Equal(Path.Combine(models.Path, "hub", HubClientTests.Repo.Replace("/", "--")), folder);
            Assert.Contains(progress, p => p.StartsWith("model.safetensors: ", StringComparison.Ordinal));
            var requests = server.Requests.Count;
            Assert.Equal(folder, Resolve(HubClientTests.Repo));
            Assert.Equal(requests, server.Requests.Count);
            var (model, report) = BertForSequenceClassification.FromPretrained(folder);
            using var _ = model;
            Assert.True(report.IsExact, report.ToString());
        }
        finally
        {
            Environment.SetEnvironmentVariable("BERTNB_HF_ENDPOINT", previous);
        }
    }
}
