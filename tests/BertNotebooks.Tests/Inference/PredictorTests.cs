using BertNotebooks.Checkpoints;
using BertNotebooks.Evaluation;
using BertNotebooks.Inference;
using BertNotebooks.Kernels;
using BertNotebooks.Modeling;
using BertNotebooks.Tests.Modeling;
using BertNotebooks.Tokenization;
using BertNotebooks.Training;

namespace BertNotebooks.Tests.Inference;

public sealed class PredictorTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("bertnb-predictor-").FullName;
    readonly string _model;
    static readonly string[] Classes = ["sport", "space", "cars"];

    public PredictorTests()
    {
        var vocab = Path.Combine(_dir, "vocab");
        Directory.CreateDirectory(vocab);
        File.WriteAllLines(Path.Combine(vocab, "vocab.txt"),
            ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "rocket", "car", "goal", "ball", "##s", "cafe", "."]);
        _model = Path.Combine(_dir, "model");
        using var model = new BertForSequenceClassification(SmallBert.Config(labels: 3));
        model.SavePretrained(_model, Classes, vocab);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("", true)]
    [InlineData("   \t\n ", true)]
    [InlineData("the rocket", false)]
    [InlineData("Café 日本語 😀 Ünïcödé", false)]
    public void EveryTextGetsAValidDistribution(string text, bool empty)
    {
        using var predictor = Predictor.Load(_model, device: "cpu");
        var p = predictor.Predict(text);
        Assert.Equal(empty, p.IsEmpty);
        Assert.Equal(3, p.Probabilities.Count);
        Assert.Equal(1.0, p.Probabilities.Sum(), 5);
        Assert.Equal(Classes[p.Label], p.LabelName);
        Assert.Equal(p.Probabilities.Max(), p.Confidence);
        Assert.False(p.Truncated);
        if (empty) Assert.Equal(2, p.TokenCount); // [CLS] [SEP]
    }

    [Fact]
    public void SentencePairsAreEncodedAsTwoSegmentsAndTheirTruncationIsReported()
    {
        using var predictor = Predictor.Load(_model, device: "cpu");
        var pairs = predictor.PredictBatch(["the rocket", "the car"],
            textPairs: ["the ball", string.Join(' ', Enumerable.Repeat("goal", 40))]);
        var single = predictor.Predict("the rocket");

        Assert.Equal(7, pairs[0].TokenCount); // [CLS] the rocket [SEP] the ball [SEP]
        Assert.NotEqual(single.Probabilities, pairs[0].Probabilities);
        Assert.False(pairs[0].Truncated);
        Assert.True(pairs[1].Truncated);
        Assert.Throws<ArgumentException>(() => predictor.PredictBatch(["a", "b"], textPairs: ["only one"]));
    }

    [Fact]
    public void LongTextsAreCutToTheMaxLength()
    {
        using var predictor = Predictor.Load(_model, device: "cpu", maxLength: 512);
        Assert.Equal(24, predictor.MaxLength); // SmallBert has 24 positions: the model's limit wins
        var p = predictor.Predict(string.Join(' ', Enumerable.Repeat("the rocket cars", 2000)));
        Assert.True(p.Truncated);
        Assert.Equal(24, p.TokenCount);
        Assert.False(predictor.Predict("the car").Truncated);
    }

    [Fact]
    public void BatchesGiveTheSamePredictionsAsSingleTextsAndTopKIsSorted()
    {
        using var predictor = Predictor.Load(_model, device: "cpu");
        string[] texts = ["the rocket", "", "goal balls . the ball", "car"];
        var batch = predictor.PredictBatch(texts, topK: 5, batchSize: 3);
        for (int i = 0; i < texts.Length; i++)
        {
            var single = predictor.Predict(texts[i], topK: 5);
            Assert.Equal(single.Label, batch[i].Label);
            // Within 1e-5, not rounded to 5 places: rounding can split two values 3e-8 apart (0.296365023, 0.296364993).
            for (int c = 0; c < 3; c++) Assert.Equal(single.Probabilities[c], batch[i].Probabilities[c], 1e-5);
            Assert.Equal(3, batch[i].TopK.Count); // capped at the number of classes
            Assert.True(batch[i].TopK[0].Probability >= batch[i].TopK[1].Probability
                && batch[i].TopK[1].Probability >= batch[i].TopK[2].Probability);
            Assert.Equal(batch[i].Label, batch[i].TopK[0].Label);
        }
    }

    [Fact]
    public void MixedLengthsAreBatchedLongestFirstAndReturnedInInputOrder()
    {
        using var predictor = Predictor.Load(_model, device: "cpu");
        string[] texts = ["car", "the rocket cars . the goal", "", "the ball", "goal balls . the ball the car", "the"];
        var batch = predictor.PredictBatch(texts, topK: 3, batchSize: 2);
        Assert.Equal(texts, batch.Select(p => p.Text));
        Assert.Equal([3, 9, 2, 4, 10, 3], batch.Select(p => p.TokenCount)); // each text's own count, in input order
        for (int i = 0; i < texts.Length; i++)
        {
            var single = predictor.Predict(texts[i]);
            // Within 1e-5, not rounded to 5 places: rounding can split two values 3e-8 apart (0.296365023, 0.296364993).
            for (int c = 0; c < 3; c++) Assert.Equal(single.Probabilities[c], batch[i].Probabilities[c], 1e-5);
        }
    }

    [Fact]
    public void TheTrainersEvaluationAndThePredictorGiveTheSameProbabilities()
    {
        // One inference path: the accuracy that picks the best checkpoint is the one 05-evaluation reports.
        string[] texts = ["car", "the rocket cars . the goal", "the ball", "goal balls . the ball the car", "the", "rocket"];
        var encoder = BertTextEncoder.FromFolder(_model);
        var examples = texts.Select((t, i) => encoder.Encode(t, encoder.MaxLengthLimit, label: i % 3)).ToList();
        var (model, _) = BertForSequenceClassification.FromPretrained(_model);
        using var __ = model;
        var args = new TrainingArguments
        {
            PerDeviceEvalBatchSize = 4, Padding = Padding.MaxLength, MaxLength = encoder.MaxLengthLimit, Device = "cpu", Precision = "fp32",
        };
        var evaluated = new Trainer(model, args, examples, examples).Evaluate();

        using var predictor = Predictor.Load(_model, device: "cpu");
        var predicted = predictor.PredictBatch(texts, batchSize: 4);
        for (int i = 0; i < texts.Length; i++)
        {
            Assert.Equal(predicted[i].Label, evaluated.Predictions[i]);
            Assert.Equal(predicted[i].Probabilities, evaluated.Probabilities[i]); // bit for bit
        }
    }

    [Fact]
    public void LengthOrderIsLongestFirstWithTiesInInputOrder()
    {
        static TokenizedExample Of(int length) => new(new int[length], new int[length]);
        Assert.Equal([1, 3, 2, 0, 4], BatchedForward.LengthOrder([Of(3), Of(7), Of(5), Of(7), Of(2)]));
        Assert.Empty(BatchedForward.LengthOrder([]));
    }

    [Fact]
    public void Bf16PredictionsAgreeWithFloat32()
    {
        using var fp32 = Predictor.Load(_model, device: "cpu");
        using var bf16 = Predictor.Load(_model, device: "cpu", precision: "bf16", kernels: CpuKernels.Instance);
        Assert.Throws<ArgumentException>(() => Predictor.Load(_model, device: "cpu", precision: "bf16")); // bf16 is a kernel
        Assert.False(fp32.Precision.Bf16);
        Assert.True(bf16.Precision.Bf16);
        var a = fp32.Predict("the rocket cars");
        var b = bf16.Predict("the rocket cars");
        for (int c = 0; c < 3; c++) Assert.Equal(a.Probabilities[c], b.Probabilities[c], 1); // bf16 rounding, see HfParityTests
    }

    [Fact]
    public void AFolderWithoutATrainedHeadIsRefused()
    {
        var backbone = Path.Combine(_dir, "backbone");
        using (var model = new BertForSequenceClassification(SmallBert.Config(labels: 3)))
            model.SavePretrained(backbone, Classes, Path.Combine(_dir, "vocab"));
        foreach (var f in Directory.GetFiles(backbone, "model.safetensors"))
        {
            var tensors = SafeTensors.Load(f).Where(t => !t.Key.StartsWith("classifier.", StringComparison.Ordinal)).ToDictionary();
            SafeTensors.Save(f, tensors);
        }
        // A plain encoder checkpoint (as on the hub), so the loader initialises a new head instead of refusing the folder.
        var config = Path.Combine(backbone, "config.json");
        File.WriteAllText(config, File.ReadAllText(config).Replace("BertForSequenceClassification", "BertModel"));
        var error = Assert.Throws<InvalidDataException>(() => Predictor.Load(backbone, device: "cpu"));
        Assert.Contains("not a fine-tuned classifier", error.Message);
    }
}
