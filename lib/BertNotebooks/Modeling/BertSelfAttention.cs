using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BertNotebooks.Modeling;

/// <summary>
/// Multi-head self-attention (HF BertSelfAttention) through PyTorch's fused scaled_dot_product_attention, which
/// gives HF's eager numbers to 1e-5 (a parity test checks it) and applies attention dropout itself in training.
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
    /// <param name="additiveMask">(B, 1, 1, T): 0 where a key may be attended to, the dtype's minimum where it is padding</param>
    /// <returns>(B, T, H)</returns>
    public override Tensor forward(Tensor hidden, Tensor additiveMask)
    {
        using var scope = NewDisposeScope();
        var (b, t) = (hidden.shape[0], hidden.shape[1]);
        Tensor Heads(Linear projection) => projection.forward(hidden).view(b, t, heads, headSize).transpose(1, 2); // (B, nh, T, hs)
        var context = nn.functional.scaled_dot_product_attention(
            Heads(query), Heads(key), Heads(value), additiveMask, training ? attentionDropout : 0.0);            // (B, nh, T, hs)
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
        var scores = Heads(query).matmul(Heads(key).transpose(-1, -2)) / Math.Sqrt(headSize) + additiveMask;   // (B, nh, T, T)
        return scope.MoveToOuter(nn.functional.softmax(scores, -1));
    }
}
