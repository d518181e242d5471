using System.Text.Json;
using BertNotebooks.Checkpoints;
using BertNotebooks.Modeling;
using BertNotebooks.Tests.Modeling;
using TorchSharp;

namespace BertNotebooks.Tests.Checkpoints;

/// <summary>save_pretrained folders: what SavePretrained writes, and FromPretrained on good, bad, sharded and legacy folders.</summary>
public sealed class PretrainedFolderTests : IDisposable
{
    static readonly string[] Classes = ["alt.atheism", "sci.space", "rec.autos"];
    readonly TempFolder temp = new();
    readonly string folder;

    public PretrainedFolderTests()
    {
        torch.manual_seed(11);
        folder = temp.File("model");
        using var model = new BertForSequenceClassification(SmallBert.Config());
        model.SavePretrained(folder, Classes, TokenizerSource(doLowerCase: false));
    }

    public void Dispose() => temp.Dispose();

    string TokenizerSource(bool doLowerCase)
    {
        var source = temp.File("tokenizer-source");
        Directory.CreateDirectory(source);
        File.WriteAllText(Path.Combine(source, "vocab.txt"), "[PAD]\r\n[UNK]\r\n[CLS]\r\n[SEP]\r\n[MASK]\r\nhello\r\n##s\r\n");
        File.WriteAllText(Path.Combine(source, "tokenizer_config.json"), $$"""{"do_lower_case": {{(doLowerCase ? "true" : "false")}}}""");
        return source;
    }

    string Weights => Path.Combine(folder, CheckpointFiles.Weights);

    /// <summary>Rewrites the folder's model.safetensors through <paramref name="edit"/>.</summary>
    void EditWeights(Action<Dictionary<string, torch.Tensor>> edit)
    {
        var tensors = SafeTensors.Load(Weights);
        edit(tensors);
        SafeTensors.Save(Weights, tensors);
        foreach (var t in tensors.Values) t.Dispose();
    }

    [Fact]
    public void SaveThenLoadGivesIdenticalTensors()
    {
        var saved = SafeTensors.Load(Weights);
        var (model, report) = BertForSequenceClassification.FromPretrained(folder);
        using var _ = model;
        Assert.True(report.IsExact, report.ToString());
        Assert.Equal(Classes, model.ClassNames);
        var loaded = model.state_dict();
        Assert.Equal(saved.Keys.Order(), loaded.Keys.Order());
        foreach (var (key, tensor) in saved) TensorAssert.Equal(tensor, loaded[key], key);

        var again = temp.File("again");
        model.SavePretrained(again);
        Assert.Equal(File.ReadAllBytes(Weights), File.ReadAllBytes(Path.Combine(again, CheckpointFiles.Weights)));
        foreach (var t in saved.Values) t.Dispose();
    }

    [Fact]
    public void WrittenFolderHasTheHuggingFaceFiles()
    {
        Assert.Equal(["config.json", "model.safetensors", "special_tokens_map.json", "tokenizer.json",
            "tokenizer_config.json", "vocab.txt"],
            Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "config.json")));
        var root = config.RootElement;
        Assert.Equal("BertForSequenceClassification", root.GetProperty("architectures")[0].GetString());
        Assert.Equal("bert", root.GetProperty("model_type").GetString());
        Assert.Equal("sci.space", root.GetProperty("id2label").GetProperty("1").GetString());
        Assert.Equal(2, root.GetProperty("label2id").GetProperty("rec.autos").GetInt32());
        foreach (var field in new[] { "vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size",
                                      "hidden_act", "hidden_dropout_prob", "attention_probs_dropout_prob", "max_position_embeddings",
                                      "type_vocab_size", "initializer_range", "layer_norm_eps", "pad_token_id", "classifier_dropout",
                                      "position_embedding_type" })
            Assert.True(root.TryGetProperty(field, out _), $"config.json lacks {field}");
        Assert.Equal("pt", SafeTensors.ReadMetadata(Weights)["format"]);

        Assert.Equal("[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nhello\n##s\n", File.ReadAllText(Path.Combine(folder, "vocab.txt")));
        using var tokenizer = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "tokenizer_config.json")));
        Assert.False(tokenizer.RootElement.GetProperty("do_lower_case").GetBoolean());
        Assert.Equal(24, tokenizer.RootElement.GetProperty("model_max_length").GetInt32()); // capped by max_position_embeddings
        Assert.Equal("BertTokenizer", tokenizer.RootElement.GetProperty("tokenizer_class").GetString());
        Assert.Equal("[CLS]", tokenizer.RootElement.GetProperty("cls_token").GetString());
        using var special = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "special_tokens_map.json")));
        Assert.Equal("[MASK]", special.RootElement.GetProperty("mask_token").GetString());
        Assert.False(TokenizerFiles.ReadDoLowerCase(folder));
        Assert.True(TokenizerFiles.ReadDoLowerCase(temp.Path)); // absent: HF's default
    }

    [Fact]
    public void ShapeMismatchNamesTheKeyAndBothShapes()
    {
        EditWeights(t => t["bert.encoder.layer.1.intermediate.dense.weight"] = torch.zeros(33, 16));
        var e = Assert.Throws<InvalidDataException>(() => BertForSequenceClassification.FromPretrained(folder));
        Assert.Contains("bert.encoder.layer.1.intermediate.dense.weight has checkpoint shape [33, 16], model shape [32, 16]", e.Message);
        Assert.Throws<InvalidDataException>(() => BertForSequenceClassification.FromPretrained(folder, strict: false));
    }

    [Fact]
    public void MissingKeyIsNamed()
    {
        EditWeights(t => t.Remove("bert.pooler.dense.bias"));
        var e = Assert.Throws<InvalidDataException>(() => BertForSequenceClassification.FromPretrained(folder));
        Assert.Contains("lacks 1 tensor(s) that the model needs: bert.pooler.dense.bias", e.Message);
    }

    [Fact]
    public void UnexpectedKeyIsNamed()
    {
        EditWeights(t => t["bert.encoder.layer.2.output.dense.bias"] = torch.zeros(16));
        var e = Assert.Throws<InvalidDataException>(() => BertForSequenceClassification.FromPretrained(folder));
        Assert.Contains("bert.encoder.layer.2.output.dense.bias", e.Message);
        Assert.Contains(folder, e.Message);
    }

    [Fact]
    public void OtherModelTypesAreRefused()
    {
        var path = Path.Combine(folder, CheckpointFiles.Config);
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"model_type\": \"bert\"", "\"model_type\": \"roberta\""));
        var e = Assert.Throws<NotSupportedException>(() => BertForSequenceClassification.FromPretrained(folder));
        Assert.Contains("model_type 'roberta' is not supported yet", e.Message);
    }

    [Fact]
    public void CorruptWeightsFileIsNamed()
    {
        File.WriteAllBytes(Weights, [.. BitConverter.GetBytes(40UL), .. "{\"a\": {\"dtype\": \"F32\"}"u8]);
        var e = Assert.Throws<InvalidDataException>(() => BertForSequenceClassification.FromPretrained(folder));
        Assert.Contains(Weights, e.Message);
    }

    [Fact]
    public void PickledWeightsAreRefusedWithTheConversionToDo()
    {
        File.Move(Weights, Path.Combine(folder, CheckpointFiles.PickledWeights));
        var e = Assert.Throws<InvalidDataException>(() => BertForSequenceClassification.FromPretrained(folder));
        Assert.Contains("pytorch_model.bin", e.Message);
        Assert.Contains("save_pretrained", e.Message);
    }

    void Shard()
    {
        var tensors = SafeTensors.Load(Weights);
        var first = tensors.Where(p => p.Key.StartsWith("bert.embeddings.", StringComparison.Ordinal)).ToDictionary();
        var second = tensors.Where(p => !first.ContainsKey(p.Key)).ToDictionary();
        SafeTensors.Save(Path.Combine(folder, "model-00001-of-00002.safetensors"), first);
        SafeTensors.Save(Path.Combine(folder, "model-00002-of-00002.safetensors"), second);
        var map = first.Keys.ToDictionary(k => k, _ => "model-00001-of-00002.safetensors")
            .Concat(second.Keys.ToDictionary(k => k, _ => "model-00002-of-00002.safetensors")).ToDictionary();
        File.WriteAllText(Path.Combine(folder, CheckpointFiles.WeightsIndex),
            JsonSerializer.Serialize(new { metadata = new { total_size = 0 }, weight_map = map }));
        File.Delete(Weights);
        foreach (var t in tensors.Values) t.Dispose();
    }

    [Fact]
    public void ShardedCheckpointsLoad()
    {
        var expected = SafeTensors.Load(Weights);
        Shard();
        var (model, report) = BertForSequenceClassification.FromPretrained(folder);
        using var _ = model;
        Assert.True(report.IsExact, report.ToString());
        foreach (var (key, tensor) in model.state_dict()) TensorAssert.Equal(expected[key], tensor, key);
        foreach (var t in expected.Values) t.Dispose();
    }

    [Fact]
    public void ShardedIndexNamingAMissingShardIsAnError()
    {
        Shard();
        File.Delete(Path.Combine(folder, "model-00002-of-00002.safetensors"));
        var e = Assert.Throws<FileNotFoundException>(() => BertForSequenceClassification.FromPretrained(folder));
        Assert.Contains("model-00002-of-00002.safetensors", e.Message);
        Assert.Contains(CheckpointFiles.WeightsIndex, e.Message);
    }

    [Fact]
    public void NewClassNamesGiveANewHeadThatIsReported()
    {
        var (model, report) = BertForSequenceClassification.FromPretrained(folder, ["a", "b", "c", "d", "e"]);
        using var _ = model;
        Assert.Equal(["classifier.bias", "classifier.weight"], report.Initialised.Select(k => k.Key));
        Assert.Contains("checkpoint shape [3, 16], model shape [5, 16]", report.Initialised[1].Reason);
        Assert.Equal(5, model.Config.NumLabels);

        var e = Assert.Throws<InvalidDataException>(() => BertForSequenceClassification.FromPretrained(folder, ["a", "b"], strict: true));
        Assert.Contains("classifier.bias has checkpoint shape [3], model shape [2]", e.Message);
    }

    [Fact]
    public void ConfigureSetsDropoutBeforeTheModelIsBuilt()
    {
        var (model, _) = BertForSequenceClassification.FromPretrained(folder, configure: c => c.HiddenDropoutProb = 0);
        using var _ = model;
        Assert.Equal(0, model.Config.HiddenDropoutProb);
        Assert.Equal(0, model.Config.EffectiveClassifierDropout);
    }
}
