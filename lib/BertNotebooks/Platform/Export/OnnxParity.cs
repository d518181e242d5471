using System.Diagnostics;
using System.Globalization;
using BertNotebooks.Evaluation;
using BertNotebooks.Inference;
using BertNotebooks.Modeling;
using BertNotebooks.Native;
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

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Documents} documents: largest |logit difference| {MaxAbsDifference:0.###e+0}, same class {SameClass}/{Documents}; " +
        $"ONNX Runtime {OnnxDocumentsPerSecond:0.0} documents/s, TorchSharp {TorchSharpDocumentsPerSecond:0.0} documents/s " +
        $"({OnnxDocumentsPerSecond / TorchSharpDocumentsPerSecond:0.00}x); model.onnx {OnnxFileBytes / 1e6:0.0} MB");
}

public static class OnnxParity
{
    /// <summary>
    /// Tokenizes <paramref name="texts"/> once with the folder's tokenizer, then runs the folder's TorchSharp model (fp32, CPU,
    /// eval) and its exported onnx/model.onnx over them in the same batches: one warm-up batch each, then the best of
    /// <paramref name="repeats"/> timed passes.
    /// </summary>
    public static OnnxParityReport Compare(string modelFolder, IReadOnlyList<string> texts, int maxLength = 512, int batchSize = 32,
        int repeats = 1, Action<string>? progress = null)
    {
        if (texts.Count == 0) throw new ArgumentException("No texts to compare on; pass at least one.", nameof(texts));
        if (repeats < 1) throw new ArgumentException($"repeats must be at least 1, not {repeats}.", nameof(repeats));
        var onnxPath = OnnxExport.ModelPath(modelFolder);
        if (!File.Exists(onnxPath))
            throw new FileNotFoundException($"{modelFolder} has no {OnnxExport.Folder}/{OnnxExport.FileName}; " +
                "export it first: OnnxExport.Export(modelFolder) or `bertnb export --model-dir FOLDER`.", onnxPath);
        var encoder = BertTextEncoder.FromFolder(modelFolder);
        maxLength = encoder.FitMaxLength(maxLength);
        var examples = encoder.EncodeBatch(texts, maxLength);
        var warmUp = examples.Take(batchSize).ToList();

        IReadOnlyList<float[]> torchLogits = [], onnxLogits = [];
        double torchSeconds, onnxSeconds;
        var (model, _) = BertForSequenceClassification.FromPretrained(modelFolder);
        using (model)
        {
            var options = new ForwardOptions(batchSize, torch.CPU, encoder.PadTokenId);
            BatchedForward.Run(model, warmUp, options);
            torchSeconds = BestOf(repeats, r => progress?.Invoke($"TorchSharp: {texts.Count} documents, pass {r}/{repeats}"),
                () => torchLogits = BatchedForward.Run(model, examples, options).Logits);
        }
        TorchNative.ReturnFreedMemory(); // the TorchSharp model and its batches, before ONNX Runtime's session and batches
        using (var onnx = new OnnxRuntimeClassifier(onnxPath))
        {
            onnx.Logits(warmUp, batchSize);
            onnxSeconds = BestOf(repeats, r => progress?.Invoke($"ONNX Runtime: {texts.Count} documents, pass {r}/{repeats}"),
                () => onnxLogits = onnx.Logits(examples, batchSize));
        }

        var (maxDifference, sameClass) = Agreement(torchLogits, onnxLogits);
        return new OnnxParityReport(texts.Count, maxDifference, sameClass, texts.Count / onnxSeconds, texts.Count / torchSeconds,
            new FileInfo(onnxPath).Length);
    }

    /// <summary>The fastest of <paramref name="repeats"/> runs of <paramref name="pass"/>, in seconds.</summary>
    static double BestOf(int repeats, Action<int> starting, Action pass)
    {
        double best = double.MaxValue;
        for (int r = 1; r <= repeats; r++)
        {
            starting(r);
            var watch = Stopwatch.StartNew();
            pass();
            best = Math.Min(best, watch.Elapsed.TotalSeconds);
        }
        return best;
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
