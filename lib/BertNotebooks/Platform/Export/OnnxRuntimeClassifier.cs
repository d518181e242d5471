using BertNotebooks.Evaluation;
using BertNotebooks.Inference;
using BertNotebooks.Tokenization;
using Microsoft.ML.OnnxRuntime;

namespace BertNotebooks.Export;

/// <summary>
/// An exported model.onnx in ONNX Runtime, fed with the library's own tokenized examples: for checking the export against
/// TorchSharp (<see cref="OnnxParity"/>) and timing it. The same batching as <see cref="BatchedForward"/>: longest first,
/// each batch padded to its longest example, results in input order.
/// </summary>
public sealed class OnnxRuntimeClassifier : IDisposable
{
    readonly InferenceSession _session;

    public OnnxRuntimeClassifier(string onnxPath, int intraOpThreads = 0)
    {
        if (!File.Exists(onnxPath))
            throw new FileNotFoundException($"ONNX model {Path.GetFullPath(onnxPath)} does not exist; export it first " +
                "(OnnxExport.Export(modelFolder) or `bertnb export --run-name NAME`).", onnxPath);
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (intraOpThreads > 0) options.IntraOpNumThreads = intraOpThreads;
        _session = new InferenceSession(onnxPath, options);
    }

    /// <summary>Per-example logits, float32, in input order.</summary>
    /// <param name="onBatch">told (batches done, batches in all) after each run</param>
    public IReadOnlyList<float[]> Logits(IReadOnlyList<TokenizedExample> examples, int batchSize = 32, Action<int, int>? onBatch = null)
    {
        if (batchSize < 1) throw new ArgumentException($"The batch size must be at least 1, not {batchSize}.", nameof(batchSize));
        var logits = new float[examples.Count][];
        var batches = BatchedForward.LengthOrder(examples).Chunk(batchSize).ToList();
        for (int b = 0; b < batches.Count; b++)
        {
            var rows = Run(batches[b].Select(i => examples[i]).ToList());
            for (int i = 0; i < rows.Length; i++) logits[batches[b][i]] = rows[i];
            onBatch?.Invoke(b + 1, batches.Count);
        }
        return logits;
    }

    /// <summary>One padded batch through the session: (B, T) int64 inputs → (B, C) logits.</summary>
    float[][] Run(IReadOnlyList<TokenizedExample> batch)
    {
        int width = batch.Max(e => e.Length);
        // Padded with id 0: under a zero attention mask the pad id changes no logit.
        var (ids, mask, types) = Collator.PaddedArrays(batch, padTokenId: 0, width);
        long[] shape = [batch.Count, width];
        using var inputIds = OrtValue.CreateTensorValueFromMemory(ids, shape);
        using var attentionMask = OrtValue.CreateTensorValueFromMemory(mask, shape);
        using var tokenTypeIds = OrtValue.CreateTensorValueFromMemory(types, shape);
        var inputs = new Dictionary<string, OrtValue>
        {
            [BertOnnxGraph.InputIds] = inputIds,
            [BertOnnxGraph.AttentionMask] = attentionMask,
            [BertOnnxGraph.TokenTypeIds] = tokenTypeIds,
        };
        using var runOptions = new RunOptions();
        using var outputs = _session.Run(runOptions, inputs, [BertOnnxGraph.Logits]);
        var flat = outputs[0].GetTensorDataAsSpan<float>();
        int classes = flat.Length / batch.Count;
        var rows = new float[batch.Count][];
        for (int b = 0; b < batch.Count; b++) rows[b] = flat.Slice(b * classes, classes).ToArray();
        return rows;
    }

    public void Dispose() => _session.Dispose();
}
