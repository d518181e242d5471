using System.Diagnostics;
using BertNotebooks.Modeling;
using static TorchSharp.torch;

namespace BertNotebooks.Cli.Benchmarks;

/// <summary>
/// The float32 matmuls of one training step of a BERT, alone, at the step's own shapes and layouts: for each Linear the
/// forward x·Wᵀ and the backward's dY·W (the input's gradient) and dYᵀ·x (the weight's); for each layer's attention Q·Kᵀ
/// and P·V and the two products of each one's backward. Their FLOPs are exactly
/// <see cref="TrainingStepBenchmark.ForwardFlops"/> times three, so the time they take alone is the floor a step could
/// reach with everything else (softmax, dropout, LayerNorm, GELU, the embedding gradient, clipping, AdamW, the threads'
/// barriers) made free.
/// </summary>
public sealed class StepMatmuls
{
    /// <summary>One product of operands of logical shapes A and B (either stored transposed, as in the step), and how many
    /// times a step computes it.</summary>
    readonly record struct Product(long[] A, long[] B, int Count, bool TransposeA = false, bool TransposeB = false);

    readonly List<Product> _products = [];

    public StepMatmuls(BertConfig c, int batch, int sequence)
    {
        long tokens = (long)batch * sequence, h = c.HiddenSize, f = c.IntermediateSize, heads = c.NumAttentionHeads;
        long headSize = h / heads, batchHeads = batch * heads;
        int layers = c.NumHiddenLayers;
        AddLinear(tokens, h, h, 4 * layers);                 // query, key, value, attention output
        AddLinear(tokens, h, f, layers);                     // intermediate
        AddLinear(tokens, f, h, layers);                     // output
        AddLinear(batch, h, h, 1);                           // pooler
        AddLinear(batch, h, c.NumLabels, 1);                 // classifier
        // Attention, per (batch, head): forward S = Q·Kᵀ and C = P·V; backward dP = dC·Vᵀ, dV = Pᵀ·dC, dQ = dS·K, dK = dSᵀ·Q.
        _products.Add(new([batchHeads, sequence, headSize], [batchHeads, headSize, sequence], 2 * layers, TransposeB: true));
        _products.Add(new([batchHeads, sequence, sequence], [batchHeads, sequence, headSize], 2 * layers));
        _products.Add(new([batchHeads, sequence, sequence], [batchHeads, sequence, headSize], 2 * layers, TransposeA: true));
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
