using System.Diagnostics;
using BertNotebooks.Inference;
using BertNotebooks.Modeling;
using BertNotebooks.Tokenization;
using TorchSharp;

namespace BertNotebooks.Export;

/// <summary>
/// ONNX Runtime against TorchSharp on the same tokenized texts: the largest |logit difference|, how many documents get the
/// same predicted class, and each one's documents per second (the forward passes only; both see the same batches).
/// </summary>
public sealed record OnnxParityReport(int Documents, double MaxAbsDifference, int SameClass, double OnnxDocumentsPerSecond,
    double TorchSharpDocumentsPerSecond, long OnnxFileBytes)
{
    public bool AllSameClass => SameClass == Documents;

    public override string ToString() =>
        $"{Documents} documents: largest |logit difference| {MaxAbsDifference:0.###e+0}, same class {SameClass}/{Documents}; " +
        $"ONNX Runtime {OnnxDocumentsPerSecond:0.0} documents/s, TorchSharp {TorchSharpDocumentsPerSecond:0.0} documents/s " +
        $"({OnnxDocumentsPerSecond / TorchSharpDocumentsPerSecond:0.00}x); model.onnx {OnnxFileBytes / 1e6:0.0} MB";
}

public static class OnnxParity
{
    /// <summary>
    /// Tokenizes <paramref name="texts"/> once with the folder's tokenizer, then runs the folder's TorchSharp model (fp32, CPU,
    /// eval) and its exported onnx/model.onnx over them in the same batches.
    /// </summary>
    public static OnnxParityReport Compare(string modelFolder, IReadOnlyList<string> texts, int maxLength = 512, int batchSize = 32,
        Action<string>? progress = null)
    {
        if (texts.Count == 0) throw new ArgumentException("No texts to compare on; pass at least one.", nameof(texts));
        var onnxPath = OnnxExport.ModelPath(modelFolder);
        var encoder = BertTextEncoder.FromFolder(modelFolder);
        var examples = encoder.EncodeBatch(texts, Math.Min(maxLength, encoder.MaxLengthLimit));

        progress?.Invoke($"TorchSharp: {texts.Count} documents");
        var (model, _) = BertForSequenceClassification.FromPretrained(modelFolder);
        IReadOnlyList<float[]> torchLogits;
        var watch = Stopwatch.StartNew();
        using (model)
            torchLogits = BatchedForward.Run(model, examples, new ForwardOptions(batchSize, maxLength, torch.CPU, ComputeType: null))
                .Logits;
        var torchSeconds = watch.Elapsed.TotalSeconds;

        progress?.Invoke($"ONNX Runtime: {texts.Count} documents");
        using var onnx = new OnnxRuntimeClassifier(onnxPath);
        watch.Restart();
        var onnxLogits = onnx.Logits(examples, batchSize);
        var onnxSeconds = watch.Elapsed.TotalSeconds;

        var (maxDifference, sameClass) = Agreement(torchLogits, onnxLogits);
        return new OnnxParityReport(texts.Count, maxDifference, sameClass, texts.Count / onnxSeconds, texts.Count / torchSeconds,
            new FileInfo(onnxPath).Length);
    }

    /// <summary>The largest |a - b| over every logit, and the number of rows whose argmax is the same.</summary>
    public static (double MaxAbsDifference, int SameClass) Agreement(IReadOnlyList<float[]> a, IReadOnlyList<float[]> b)
    {
        if (a.Count != b.Count) throw new ArgumentException($"{a.Count} rows of logits against {b.Count}.", nameof(b));
        double max = 0;
        int same = 0;
        for (int i = 0; i < a.Count; i++)
        {
            if (a[i].Length != b[i].Length)
                throw new ArgumentException($"Row {i} has {a[i].Length} logits against {b[i].Length}.", nameof(b));
            for (int c = 0; c < a[i].Length; c++) max = Math.Max(max, Math.Abs((double)a[i][c] - b[i][c]));
            if (Logits.ArgMax(a[i]) == Logits.ArgMax(b[i])) same++;
        }
        return (max, same);
    }
}
