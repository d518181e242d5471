using TorchSharp;
using static TorchSharp.torch;

namespace BertNotebooks.Modeling;

/// <summary>
/// Multi-head self-attention (HF BertSelfAttention with its eager attention): each head compares every token's query with
/// every token's key, turns the scores into probabilities, drops some out, and mixes the values with them.
/// </summary>
public sealed class BertSelfAttention : nn.Module<Tensor, Tensor, Tensor>
{
    readonly nn.Module<Tensor, Tensor> query;   // nn.Linear
    readonly nn.Module<Tensor, Tensor> key;     // nn.Linear
    readonly nn.Module<Tensor, Tensor> value;   // nn.Linear
    readonly nn.Module<Tensor, Tensor> dropout; // nn.Dropout, on the attention probabilities
    readonly int heads;
    readonly int headSize;

    public BertSelfAttention(BertConfig config) : base(nameof(BertSelfAttention))
    {
        heads = config.NumAttentionHeads;
        headSize = config.AttentionHeadSize;
        query = nn.Linear(config.HiddenSize, config.HiddenSize);
        key = nn.Linear(config.HiddenSize, config.HiddenSize);
        value = nn.Linear(config.HiddenSize, config.HiddenSize);
        dropout = nn.Dropout(config.AttentionProbsDropoutProb);
        RegisterComponents();
    }

    /// <param name="hidden">(B, T, H)</param>
    /// <param name="additiveMask">(B, 1, 1, T): 0 where a key may be attended to, float32's minimum where it is padding</param>
    /// <returns>(B, T, H)</returns>
    public override Tensor forward(Tensor hidden, Tensor additiveMask) => forward(hidden, hidden, additiveMask);

    /// <summary>
    /// Attention for the tokens of <paramref name="queries"/> only, over every token of <paramref name="hidden"/>: the
    /// queries from the first, the keys and values from the second, as HF's cross-attention takes them from other states.
    /// The last layer of a classifier passes the [CLS] row alone (<see cref="BertEncoder.forward(Tensor, Tensor, bool)"/>).
    /// </summary>
    /// <param name="queries">(B, Tq, H): every token (<paramref name="hidden"/> itself), or the first</param>
    /// <param name="hidden">(B, T, H)</param>
    /// <param name="additiveMask">(B, 1, 1, T)</param>
    /// <returns>(B, Tq, H)</returns>
    public Tensor forward(Tensor queries, Tensor hidden, Tensor additiveMask)
    {
        using var scope = NewDisposeScope();
        var (b, tq) = (queries.shape[0], queries.shape[1]);
        var (q, k, v) = (Heads(query, queries), Heads(key, hidden), Heads(value, hidden)); // (B, nh, Tq or T, hs)
        var probabilities = dropout.forward(Probabilities(q, k, additiveMask));               // (B, nh, Tq, T)
        var context = probabilities.matmul(v);                                                // (B, nh, Tq, hs)
        return scope.MoveToOuter(context.transpose(1, 2).reshape(b, tq, heads * headSize));   // (B, Tq, H)
    }

    /// <summary>
    /// softmax(q kᵀ / √hs + mask) for each head, without dropout: the attention a token pays to each token. For looking at
    /// (03-model draws it).
    /// </summary>
    /// <param name="hidden">(B, T, H)</param>
    /// <param name="additiveMask">(B, 1, 1, T)</param>
    /// <returns>(B, nh, T, T): row i is how much token i attends to each token</returns>
    public Tensor AttentionProbabilities(Tensor hidden, Tensor additiveMask)
    {
        using var scope = NewDisposeScope();
        return scope.MoveToOuter(Probabilities(Heads(query, hidden), Heads(key, hidden), additiveMask));
    }

    /// <summary>A projection split into heads: (B, T, H) → (B, nh, T, hs).</summary>
    Tensor Heads(nn.Module<Tensor, Tensor> projection, Tensor hidden) =>
        projection.forward(hidden).view(hidden.shape[0], hidden.shape[1], heads, headSize).transpose(1, 2);

    /// <summary>
    /// softmax(q kᵀ / √hs + mask): (B, nh, T, hs) twice → (B, nh, T, T). The softmax in float32 and the probabilities back
    /// in q's dtype, as HF's eager attention: the identity in float32, the safe way under bf16 mixed precision.
    /// </summary>
    Tensor Probabilities(Tensor q, Tensor k, Tensor additiveMask) =>
        nn.functional.softmax(q.matmul(k.transpose(-1, -2)) * (1.0 / Math.Sqrt(headSize)) + additiveMask, -1, ScalarType.Float32)
            .to(q.dtype);
}
