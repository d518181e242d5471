using System.Text.Json;
using BertNotebooks.Modeling;
using BertNotebooks.Tests.TestSupport;

namespace BertNotebooks.Tests.Modeling;

public sealed class BertConfigTests
{
    [Fact]
    public void DefaultsAreBertBaseUncased()
    {
        var c = new BertConfig();
        Assert.Equal((30522, 768, 12, 12, 3072, 512, 2),
            (c.VocabSize, c.HiddenSize, c.NumHiddenLayers, c.NumAttentionHeads, c.IntermediateSize, c.MaxPositionEmbeddings,
                c.TypeVocabSize));
        Assert.Equal(("gelu", 0.1, 0.1, 0.02, 1e-12, "absolute", "bert"),
            (c.HiddenAct, c.HiddenDropoutProb, c.AttentionProbsDropoutProb, c.InitializerRange, c.LayerNormEps, c.PositionEmbeddingType,
                c.ModelType));
        Assert.Equal(2, c.NumLabels);
    }

    [FixtureFact("tiny-bert")]
    public void ReadsTinyBertAndKeepsUnknownFieldsOnARoundTrip()
    {
        var path = Path.Combine(Shared.Fixture("tiny-bert"), "config.json");
        var config = BertConfig.Load(path);
        Assert.Equal((32, 2, 4, 64, 20, 0.2),
            (config.HiddenSize, config.NumHiddenLayers, config.NumAttentionHeads, config.IntermediateSize, config.NumLabels,
                config.InitializerRange));
        Assert.Equal("LABEL_19", config.ClassNames[19]);
        Assert.Null(config.ClassifierDropout);

        using var original = JsonDocument.Parse(File.ReadAllText(path));
        using var written = JsonDocument.Parse(config.ToJson());
        var writtenKeys = written.RootElement.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(writtenKeys.Order(StringComparer.Ordinal), writtenKeys);
        foreach (var field in original.RootElement.EnumerateObject())
            Assert.True(written.RootElement.TryGetProperty(field.Name, out var value) && JsonElement.DeepEquals(field.Value, value),
                $"{field.Name} changed on a round trip");
    }

    [Fact]
    public void UnknownFieldsSurviveSaveAndLoad()
    {
        var folder = Directory.CreateTempSubdirectory("bertnb-config-").FullName;
        try
        {
            var path = Path.Combine(folder, "config.json");
            var config = BertConfig.FromJson("""{"model_type":"bert","hidden_size":64,"num_attention_heads":4,"my_field":""" +
                """{"a":[1,2]},"transformers_version":"4.40.0"}""");
            config.Save(path);
            var again = BertConfig.Load(path);
            Assert.Equal(64, again.HiddenSize);
            Assert.Equal("""{"a":[1,2]}""", again.Extra["my_field"].GetRawText());
            Assert.Equal("4.40.0", again.Extra["transformers_version"].GetString());
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    [Fact]
    public void ClassNamesSetId2LabelAndLabel2Id()
    {
        var config = new BertConfig { ClassNames = ["sports", "politics", "tech"] };
        Assert.Equal(3, config.NumLabels);
        using var json = JsonDocument.Parse(config.ToJson());
        Assert.Equal("politics", json.RootElement.GetProperty("id2label").GetProperty("1").GetString());
        Assert.Equal(2, json.RootElement.GetProperty("label2id").GetProperty("tech").GetInt32());
        Assert.Equal(["sports", "politics", "tech"], BertConfig.FromJson(config.ToJson()).ClassNames);
    }

    [Fact]
    public void NumLabelsWithoutId2LabelMakesDefaultNames()
    {
        var config = BertConfig.FromJson("""{"model_type":"bert","num_labels":4}""");
        Assert.Equal(["LABEL_0", "LABEL_1", "LABEL_2", "LABEL_3"], config.ClassNames);
        Assert.DoesNotContain("num_labels", config.ToJson());
    }

    [Fact]
    public void OtherModelTypesAreRefusedWithAClearMessage()
    {
        var e = Assert.Throws<NotSupportedException>(() => BertConfig.FromJson("""{"model_type":"roberta"}"""));
        Assert.Equal("model_type 'roberta' is not supported yet; " +
            "BertNotebooks supports BERT-architecture checkpoints (model_type 'bert').", e.Message);
    }

    [Fact]
    public void LoadNamesTheFileInErrors()
    {
        var folder = Directory.CreateTempSubdirectory("bertnb-config-").FullName;
        try
        {
            var path = Path.Combine(folder, "config.json");
            File.WriteAllText(path, """{"model_type":"roberta"}""");
            Assert.Contains(path, Assert.Throws<NotSupportedException>(() => BertConfig.Load(path)).Message);
            File.WriteAllText(path, "{ not json");
            Assert.Contains(path, Assert.Throws<InvalidDataException>(() => BertConfig.Load(path)).Message);
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    [Theory]
    [InlineData("""{"hidden_act":"mish"}""", "hidden_act 'mish'")]
    [InlineData("""{"position_embedding_type":"relative_key"}""", "position_embedding_type 'relative_key'")]
    public void UnsupportedVariantsAreNamed(string json, string expected) =>
        Assert.Contains(expected, Assert.Throws<NotSupportedException>(() => BertConfig.FromJson(json)).Message);

    [Theory]
    [InlineData("""{"hidden_size":30,"num_attention_heads":4}""", "not a multiple of num_attention_heads")]
    [InlineData("""{"id2label":{"0":"a","2":"b"}}""", "id2label lacks id 1")]
    [InlineData("""{"hidden_dropout_prob":1.5}""", "hidden_dropout_prob is 1.5")]
    [InlineData("""{"hidden_size":"big"}""", "wrong type")]
    public void InconsistentValuesAreNamed(string json, string expected) =>
        Assert.Contains(expected, Assert.Throws<InvalidDataException>(() => BertConfig.FromJson(json)).Message);
}
