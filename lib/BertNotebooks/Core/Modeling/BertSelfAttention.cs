using BertNotebooks.Kernels;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BertNotebooks.Modeling;

/// <summary>
/// Multi-head self-attention (HF BertSelfAttention) through PyTorch's fused scaled_dot_product_attention, which
/// gives HF's eager numbers to 1e-5 (a parity test checks it), except when training on the CPU with attention dropout,
/// where the attention written out is faster.
/// </summary>
public sealed class BertSelfAttention : nn.Module<Tensor, Tensor, Tensor>
{
    readonly Linear query;
    readonly Linear key;
    readonly Linear value;
    readonly int heads;
    readonly int headSize;
    readonly double attentionDropout;

    public BertSelfAttention(BertConfig config) : base(nameof(BertSelfAttention))
    {
        heads = config.NumAttentionHeads;
        headSize = config.AttentionHeadSize;
        attentionDropout = config.AttentionProbsDropoutProb;
        query = nn.Linear(config.HiddenSize, config.HiddenSize);
        key = nn.Linear(config.HiddenSize, config.HiddenSize);
        value = nn.Linear(config.HiddenSize, config.HiddenSize);
        RegisterComponents();
    }

    /// <param name="hidden">(B, T, H)</param>
    /// <param name="additiveMask">(B, 1, 1, T): 0 where a key may be attended to, the dtype's minimum where it is padding; in the
    /// compute dtype (<see cref="Autocast"/>), as attention computes in it</param>
    /// <returns>(B, T, H)</returns>
    public override Tensor forward(Tensor hidden, Tensor additiveMask)
    {
        using var scope = NewDisposeScope();
        var (b, t) = (hidden.shape[0], hidden.shape[1]);
        var x = hidden.to(Autocast.ComputeTypeOr(hidden.dtype)); // cast once for the three projections under autocast
        Tensor Heads(Linear projection) => Autocast.Linear(projection, x).view(b, t, heads, headSize).transpose(1, 2); // (B, nh, T, hs)
        var (q, k, v) = (Heads(query), Heads(key), Heads(value));
        var context = training && attentionDropout > 0 && hidden.device_type == DeviceType.CPU
            ? AttentionWithDropout(q, k, v, additiveMask)
            : nn.functional.scaled_dot_product_attention(q, k, v, additiveMask, training ? attentionDropout : 0.0); // (B, nh, T, hs)
        return scope.MoveToOuter(context.transpose(1, 2).reshape(b, t, heads * headSize));                     // (B, T, H)
    }

    /// <summary>
    /// softmax(q kᵀ / √hs + mask) for each head, without dropout: what the fused attention computes inside and never
    /// returns. For looking at (03-model draws it); the forward pass does not use it.
    /// </summary>
    /// <param name="hidden">(B, T, H)</param>
    /// <param name="additiveMask">(B, 1, 1, T)</param>
    /// <returns>(B, nh, T, T): row i is how much token i attends to each token</returns>
    public Tensor AttentionProbabilities(Tensor hidden, Tensor additiveMask)
    {
        using var scope = NewDisposeScope();
        var (b, t) = (hidden.shape[0], hidden.shape[1]);
        Tensor Heads(Linear projection) => projection.forward(hidden).view(b, t, heads, headSize).transpose(1, 2); // (B, nh, T, hs)
        return scope.MoveToOuter(Probabilities(Heads(query), Heads(key), additiveMask));
    }

    /// <summary>
    /// Probabilities, dropout, times v: HF's eager attention. On the CPU, scaled_dot_product_attention has no fused kernel
    /// with dropout and falls back to a math path that is slower than these four operations (forward and backward of one
    /// MiniLM layer at batch 8 x 128 on one thread of a busy AVX-512 EPYC: about 107 ms against 91 in float32, 91 against
    /// 63 in bfloat16).
    /// </summary>
    /// <param name="q">(B, nh, T, hs), as <paramref name="k"/> and <paramref name="v"/></param>
    /// <returns>(B, nh, T, hs)</returns>
    Tensor AttentionWithDropout(Tensor q, Tensor k, Tensor v, Tensor additiveMask) =>
        ParallelDropout.Apply(Probabilities(q, k, additiveMask), attentionDropout, training: true).matmul(v);

    /// <summary>softmax(q kᵀ / √hs + mask): (B, nh, T, hs) twice → (B, nh, T, T).</summary>
    Tensor Probabilities(Tensor q, Tensor k, Tensor additiveMask) =>
        nn.functional.softmax(q.matmul(k.transpose(-1, -2)) * (1.0 / Math.Sqrt(headSize)) + additiveMask, -1);
}
