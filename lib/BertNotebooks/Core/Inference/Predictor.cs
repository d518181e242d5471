using BertNotebooks.Checkpoints;
using BertNotebooks.Evaluation;
using BertNotebooks.Modeling;
using BertNotebooks.Native;
using BertNotebooks.Tokenization;
using BertNotebooks.Training;
using TorchSharp;

namespace BertNotebooks.Inference;

/// <summary>
/// A fine-tuned classifier folder (config.json, model.safetensors, vocab.txt: what SavePretrained and the Trainer's
/// checkpoints write) ready to classify texts on the chosen device. Texts longer than the max length are cut (from the end,
/// as in training); empty or whitespace-only texts are classified from [CLS] [SEP] alone and flagged <see cref="Prediction.IsEmpty"/>.
/// </summary>
public sealed class Predictor : IDisposable
{
    readonly BertForSequenceClassification _model;
    readonly BertTextEncoder _encoder;

    public torch.Device Device { get; }
    public int MaxLength { get; }
    /// <summary>fp32, or bf16 mixed precision (through the speed kernels, <see cref="IKernels"/>), and why.</summary>
    public PrecisionChoice Precision { get; }
    public IReadOnlyList<string> ClassNames => _model.ClassNames;

    Predictor(BertForSequenceClassification model, BertTextEncoder encoder, torch.Device device, int maxLength, PrecisionChoice precision)
    {
        _model = model;
        _encoder = encoder;
        Device = device;
        MaxLength = maxLength;
        Precision = precision;
        _model.eval();
    }

    /// <param name="device">"auto", "cpu", "cuda" or "cuda:N".</param>
    /// <param name="maxLength">Tokens per text at most, [CLS] and [SEP] included (the run's, for a trained run); null: the
    /// model's limit. Beyond that limit it is clamped, with the one line that says so (<see cref="BertTextEncoder.FitMaxLength"/>).</param>
    /// <param name="precision">"fp32" (the default, as HF pipelines), "bf16" or "auto" (bf16 where the hardware has bf16 units).</param>
    /// <param name="kernels">the speed kernels, as the Trainer's (bf16 needs them); null: plain TorchSharp</param>
    public static Predictor Load(string modelFolder, string device = "auto", int? maxLength = null,
        string precision = PrecisionChoice.Fp32, IProgress<string>? log = null, IKernels? kernels = null)
    {
        PrecisionChoice.Normalise(precision);
        if (maxLength < 2) throw new ArgumentException($"maxLength must be at least 2 ([CLS] and [SEP]), " +
            $"not {maxLength}.", nameof(maxLength));
        var encoder = BertTextEncoder.FromFolder(modelFolder);
        var resolved = Devices.Resolve(device);
        var (model, report) = BertForSequenceClassification.FromPretrained(modelFolder, device: resolved);
        if (report.Initialised.Count > 0) // renamed or dropped keys (an older HF folder) are fine; a new random head is not
        {
            model.Dispose();
            throw new InvalidDataException($"{modelFolder} is not a fine-tuned classifier, " +
                $"so its predictions would be random:\n{report}\nPass a folder written by the Trainer or SavePretrained.");
        }
        var precisionChoice = PrecisionChoice.Choose(precision, Hardware.Detect(resolved), kernels is not null);
        kernels?.Apply(model, precisionChoice.ComputeType);
        return new Predictor(model, encoder, resolved, encoder.FitMaxLength(maxLength ?? encoder.MaxLengthLimit, log), precisionChoice);
    }

    public Prediction Predict(string text, int topK = 3) => PredictBatch([text], topK)[0];

    /// <summary>
    /// Predictions in input order, <paramref name="batchSize"/> texts per forward pass. The texts are batched in order of
    /// length, so that each batch, padded to its longest text, carries little padding when lengths are mixed.
    /// <paramref name="textPairs"/>: second segments, for a model trained on sentence pairs.
    /// </summary>
    public IReadOnlyList<Prediction> PredictBatch(IReadOnlyList<string> texts, int topK = 3, int batchSize = 32,
        IReadOnlyList<string>? textPairs = null)
    {
        if (topK < 1) throw new ArgumentException($"topK must be at least 1, not {topK}.", nameof(topK));
        if (batchSize < 1) throw new ArgumentException($"batchSize must be at least 1, not {batchSize}.", nameof(batchSize));
        for (int i = 0; i < texts.Count; i++)
            if (texts[i] is null) throw new ArgumentNullException(nameof(texts), $"Text {i} is null; pass \"\" for an empty text.");
        if (textPairs is not null && textPairs.Count != texts.Count)
            throw new ArgumentException($"{texts.Count} texts but {textPairs.Count} text pairs; " +
                "give one pair per text.", nameof(textPairs));
        var examples = textPairs is null
            ? _encoder.EncodeBatch(texts, MaxLength)
            : texts.Select((t, i) => _encoder.EncodePair(t, textPairs[i] ?? "", MaxLength)).ToList();
        var options = new ForwardOptions(batchSize, Device, _encoder.PadTokenId);
        var logits = BatchedForward.Run(_model, examples, options).Logits;
        return texts.Select((text, i) => ToPrediction(text, textPairs?[i], examples[i], logits[i], topK)).ToList();
    }

    Prediction ToPrediction(string text, string? pair, TokenizedExample example, float[] logits, int topK)
    {
        var probabilities = Logits.Softmax(logits);
        int label = Logits.ArgMax(probabilities);
        var top = probabilities.Select((p, c) => new ClassProbability(c, ClassNames[c], p))
            .OrderByDescending(c => c.Probability).ThenBy(c => c.Label).Take(topK).ToList();
        // Only a text at the max length can have been cut; count its tokens again without truncation to know.
        bool truncated = example.Length == MaxLength && UntruncatedLength(text, pair) > MaxLength;
        bool isEmpty = string.IsNullOrWhiteSpace(text);
        return new Prediction(text, label, ClassNames[label], probabilities, top, example.Length, truncated, isEmpty);
    }

    /// <summary>[CLS] a [SEP] (b [SEP]): CountTokens counts [CLS] and [SEP] around
    /// each text, so a pair has one token fewer than both.</summary>
    int UntruncatedLength(string text, string? pair) =>
        pair is null ? _encoder.CountTokens([text], 1)[0] : _encoder.CountTokens([text, pair], 1).Sum() - 1;

    public void Dispose() => _model.Dispose();
}
