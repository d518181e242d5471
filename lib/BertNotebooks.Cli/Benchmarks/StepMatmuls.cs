using System.Diagnostics;
using BertNotebooks.Modeling;
using static TorchSharp.torch;

namespace BertNotebooks.Cli.Benchmarks;

/// <summary>
/// The float32 matmuls of one training step of a BERT, alone, at the step's own shapes and layouts: for each Linear the
/// forward x·Wᵀ and the backward's dY·W (the input's gradient) and dYᵀ·x (the weight's); for each layer's attention Q·Kᵀ
/// and P·V and the two products of each one's backward (in the last layer [CLS]'s row alone, as the classifier computes
/// it). Their FLOPs are exactly <see cref="TrainingStepBenchmark.ForwardFlops"/> times three, so the time they take alone
/// is the floor a step could reach with everything else (softmax, dropout, LayerNorm, GELU, the embedding gradient,
/// clipping, AdamW, the threads' barriers) made free.
/// </summary>
public sealed class StepMatmuls
{
    /// <summary>One product of operands of logical shapes A and B (either stored transposed, as in the step), and how many
    /// times a step computes it.</summary>
    readonly record struct Product(long[] A, long[] B, int Count, bool TransposeA = false, bool TransposeB = false);

    readonly List<Product> _products = [];

    /// <param name="firstTokenOnly">the last layer computes [CLS]'s row alone (the classifier's default,
    /// <see cref="BertForSequenceClassification.FirstTokenOnlyInLastLayer"/>): its key and value projections still see
    /// every token, its query, output and feed-forward block one row per document, its attention one query per head</param>
    public StepMatmuls(BertConfig c, int batch, int sequence, bool firstTokenOnly = true)
    {
        long tokens = (long)batch * sequence, h = c.HiddenSize, f = c.IntermediateSize, heads = c.NumAttentionHeads;
        long headSize = h / heads, batchHeads = batch * heads;
        for (int layer = 0; layer < c.NumHiddenLayers; layer++)
        {
            bool clsOnly = firstTokenOnly && layer == c.NumHiddenLayers - 1;
            long queries = clsOnly ? 1 : sequence, queryRows = batch * queries;
            AddLinear(tokens, h, h, 2);                      // key, value
            AddLinear(queryRows, h, h, 2);                   // query, attention output
            AddLinear(queryRows, h, f, 1);                   // intermediate
            AddLinear(queryRows, f, h, 1);                   // output
            // Per (batch, head): forward S = Q·Kᵀ and C = P·V; backward dP = dC·Vᵀ, dV = Pᵀ·dC, dQ = dS·K, dK = dSᵀ·Q.
            _products.Add(new([batchHeads, queries, headSize], [batchHeads, headSize, sequence], 2, TransposeB: true));
            _products.Add(new([batchHeads, queries, sequence], [batchHeads, sequence, headSize], 2));
            _products.Add(new([batchHeads, sequence, queries], [batchHeads, queries, headSize], 2, TransposeA: true));
        }
        AddLinear(batch, h, h, 1);                           // pooler
        AddLinear(batch, h, c.NumLabels, 1);                 // classifier
    }

    /// <summary>A Linear (in → out) on <paramref name="rows"/> rows: forward, the input's gradient, the weight's gradient.</summary>
    void AddLinear(long rows, long inFeatures, long outFeatures, int count)
    {
        _products.Add(new([rows, inFeatures], [inFeatures, outFeatures], count, TransposeB: true)); // y = x·Wᵀ
        _products.Add(new([rows, outFeatures], [outFeatures, inFeatures], count));                // dx = dy·W
        _products.Add(new([outFeatures, rows], [rows, inFeatures], count, TransposeA: true));    // dW = dyᵀ·x
    }

    /// <summary>Multiply-adds times two (each element of A meets a row of B's columns), over every product as many times
    /// as a step computes it.</summary>
    public double Flops => _products.Sum(p => 2.0 * p.A.Aggregate(1.0, (n, d) => n * d) * p.B[^1] * p.Count);

    /// <summary>Seconds to compute every product as many times as a step does. The operands are made and freed around the
    /// timing, so that between training steps they take no memory of their own.</summary>
    public double Seconds(Device device)
    {
        using var scope = NewDisposeScope();
        var operands = _products.Select(p => (Operand(p.A, p.TransposeA, device), Operand(p.B, p.TransposeB, device), p.Count)).ToList();
        var clock = Stopwatch.StartNew();
        foreach (var (a, b, count) in operands)
            for (int i = 0; i < count; i++)
                a.matmul(b).Dispose();
        TrainingStepBenchmark.Synchronize(device);
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>A random matrix (or batch of them) of logical <paramref name="shape"/>, stored transposed when the step's is.</summary>
    static Tensor Operand(long[] shape, bool transposed, Device device) => transposed
        ? randn([.. shape[..^2], shape[^1], shape[^2]], device: device).transpose(-1, -2)
        : randn(shape, device: device);
}
