using BertNotebooks.Checkpoints;
using BertNotebooks.Evaluation;
using BertNotebooks.Export;
using BertNotebooks.Inference;
using BertNotebooks.Modeling;
using BertNotebooks.Pretrained;
using BertNotebooks.Tests.Pretrained;
using BertNotebooks.Tokenization;
using TorchSharp;

namespace BertNotebooks.Tests.Export;

/// <summary>
/// The library's ONNX export run by ONNX Runtime against TorchSharp (and, for tiny-bert, against transformers' own logits),
/// with padding in the batches and batches of different lengths, through the graph's dynamic axes.
/// </summary>
public sealed class OnnxExportTests(TemporaryModelsDir models) : IClassFixture<TemporaryModelsDir>, IDisposable
{
    const string TinyBert = "tiny-bert", Parity = "hf-parity.safetensors";
    const double Tolerance = 1e-4;
    readonly TempFolder temp = new();

    public void Dispose() => temp.Dispose();

    /// <summary>tiny-bert copied out of the read-only fixtures, so that the export can write onnx/ beside it.</summary>
    string TinyBertCopy()
    {
        var folder = temp.File("tiny-bert");
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.GetFiles(Shared.Fixture(TinyBert)))
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        return folder;
    }

    /// <summary>Examples of lengths 3..40 with random ids, some with a segment B, in an order that mixes lengths.</summary>
    static List<TokenizedExample> RandomExamples(int vocabSize, int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(i =>
        {
            int length = 3 + random.Next(38);
            var ids = Enumerable.Range(0, length).Select(_ => 1000 + random.Next(vocabSize - 1000)).ToArray();
            ids[0] = 101;
            ids[^1] = 102;
            int segmentB = i % 3 == 0 ? length / 2 : length;
            var types = Enumerable.Range(0, length).Select(t => t >= segmentB ? 1 : 0).ToArray();
            return new TokenizedExample(ids, types);
        }).ToList();
    }

    static IReadOnlyList<float[]> TorchSharpLogits(string folder, IReadOnlyList<TokenizedExample> examples, int batchSize)
    {
        var (model, _) = BertForSequenceClassification.FromPretrained(folder);
        using var _ = model;
        return BatchedForward.Run(model, examples, new ForwardOptions(batchSize, torch.CPU, model.Config.PadTokenId ?? 0)).Logits;
    }

    static void AssertAgree(IReadOnlyList<float[]> expected, IReadOnlyList<float[]> actual, double tolerance)
    {
        var (max, same) = OnnxParity.Agreement(expected, actual);
        Assert.True(max <= tolerance, $"largest |logit difference| {max:e3} is above {tolerance:e0}");
        Assert.Equal(expected.Count, same);
    }

    [FixtureFact(TinyBert)]
    public void TinyBertInOnnxRuntimeMatchesTorchSharpWithPaddingAndDynamicLengths()
    {
        var folder = TinyBertCopy();
        var path = OnnxExport.Export(folder);
        Assert.Equal(Path.Combine(folder, "onnx", "model.onnx"), path);

        var examples = RandomExamples(30522, count: 11, seed: 5);
        var expected = TorchSharpLogits(folder, examples, batchSize: 4);
        using var onnx = new OnnxRuntimeClassifier(path);
        // Batches of 4, 4 and 3 examples, each padded to its longest: three (batch_size, sequence_length) shapes.
        var actual = onnx.Logits(examples, batchSize: 4);
        AssertAgree(expected, actual, Tolerance);
        Assert.All(actual, row => Assert.Equal(20, row.Length));
        // One example at a time: no padding at all, and the same logits.
        AssertAgree(expected, onnx.Logits(examples, batchSize: 1), Tolerance);
    }

    [FixtureFact(Parity)]
    public void TinyBertInOnnxRuntimeMatchesTransformersLogits()
    {
        using var scope = torch.NewDisposeScope();
        var reference = SafeTensors.Load(Shared.Fixture(Parity));
        var path = OnnxExport.Export(TinyBertCopy());

        // transformers' batch, unpadded back into examples (its attention mask says where each one ends).
        var ids = reference["input_ids"];
        var lengths = reference["attention_mask"].sum(1).data<long>().ToArray();
        var examples = lengths.Select((length, row) => new TokenizedExample(
            ids[row, ..(int)length].data<long>().Select(x => (int)x).ToArray(),
            reference["token_type_ids"][row, ..(int)length].data<long>().Select(x => (int)x).ToArray())).ToList();
        var expectedLogits = reference["eval.logits"];
        var expected = Enumerable.Range(0, examples.Count).Select(r => expectedLogits[r].data<float>().ToArray()).ToList();

        using var onnx = new OnnxRuntimeClassifier(path);
        AssertAgree(expected, onnx.Logits(examples, batchSize: 8), Tolerance);
    }

    [FixtureFact(TinyBert)]
    public void TheGraphHasHfInputsAndOutputAndEveryTensorAsAnInitializer()
    {
        var folder = TinyBertCopy();
        var onnx = OnnxModel.Parse(File.ReadAllBytes(OnnxExport.Export(folder)));
        Assert.Equal(["input_ids", "attention_mask", "token_type_ids"], onnx.Inputs);
        Assert.Equal(["logits"], onnx.Outputs);
        var stateDict = CheckpointFiles.LoadStateDict(folder);
        try
        {
            Assert.Equal(stateDict.Count, onnx.Initializers.Keys.Count(k => k.EndsWith(".weight", StringComparison.Ordinal)
                || k.EndsWith(".bias", StringComparison.Ordinal) || k.EndsWith(".weight.transposed", StringComparison.Ordinal)));
            var classifier = onnx.Initializers["classifier.weight.transposed"];
            Assert.Equal([32L, 20L], classifier.Dims);
            var expected = stateDict["classifier.weight"].t().contiguous().data<float>().ToArray();
            Assert.Equal(expected, classifier.ToFloats());
            Assert.Equal(stateDict["bert.embeddings.word_embeddings.weight"].data<float>().ToArray(),
                onnx.Initializers["bert.embeddings.word_embeddings.weight"].ToFloats());
        }
        finally
        {
            foreach (var t in stateDict.Values) t.Dispose();
        }
        var ops = onnx.Nodes.Select(n => n.OpType).ToHashSet();
        Assert.Contains("LayerNormalization", ops);
        Assert.Contains("Erf", ops); // hidden_act "gelu" is the exact GELU
        // The embeddings' LayerNorm, then two in each of tiny-bert's two layers.
        Assert.Equal(1 + 2 * 2, onnx.Nodes.Count(n => n.OpType == "LayerNormalization"));
    }

    [Fact]
    public void MiniLMClassifierInOnnxRuntimeMatchesTorchSharpOnTokenizedText()
    {
        torch.manual_seed(3);
        var pretrained = PretrainedModels.Resolve(PretrainedModels.OfflineDefault, models.Path);
        var (model, _) = BertForSequenceClassification.FromPretrained(pretrained, ["sci.space", "rec.autos", "talk.politics"]);
        var folder = temp.File("minilm-classifier");
        using (model) model.SavePretrained(folder, tokenizerSourceFolder: pretrained);
        Assert.True(File.Exists(Path.Combine(folder, "tokenizer.json")));

        var path = OnnxExport.Export(folder);
        string[] texts =
        [
            "The shuttle launch was delayed again by the weather.",
            "",
            "My car's engine makes a knocking noise when it is cold, and the dealer says the timing belt is fine.",
            "Congress voted on the bill.",
            string.Join(' ', Enumerable.Repeat("orbit satellite telescope", 60)),
        ];
        var report = OnnxParity.Compare(folder, texts, maxLength: 128, batchSize: 2);
        Assert.True(report.MaxAbsDifference <= Tolerance, report.ToString());
        Assert.True(report.AllSameClass, report.ToString());
        Assert.Equal(new FileInfo(path).Length, report.OnnxFileBytes);
        Assert.True(report.OnnxFileBytes > 22_713_216L * 4, "the export holds every float32 weight");
    }

    [Fact]
    public void APretrainedEncoderWithoutAClassifierIsRefused()
    {
        var pretrained = PretrainedModels.Resolve(PretrainedModels.OfflineDefault, models.Path);
        var folder = temp.File("encoder");
        Directory.CreateDirectory(folder);
        foreach (var file in Directory.GetFiles(pretrained)) File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        var error = Assert.Throws<InvalidDataException>(() => OnnxExport.Export(folder));
        Assert.Contains("not a fine-tuned classifier", error.Message);
        Assert.False(File.Exists(OnnxExport.ModelPath(folder)));
    }

    [Fact]
    public void AMissingFolderIsNamed()
    {
        var missing = temp.File("nowhere");
        var error = Assert.Throws<DirectoryNotFoundException>(() => OnnxExport.Export(missing));
        Assert.Contains(missing, error.Message);
    }
}
