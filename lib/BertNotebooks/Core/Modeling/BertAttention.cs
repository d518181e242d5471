using TorchSharp;
using static TorchSharp.torch;

namespace BertNotebooks.Modeling;

/// <summary>Self-attention and its output block (HF BertAttention: <c>attention.self</c>, <c>attention.output</c>).</summary>
public sealed class BertAttention : nn.Module<Tensor, Tensor, Tensor>
{
    // "self" is the HF state-dict name, hence the verbatim identifier.
    readonly BertSelfAttention @self;
    readonly BertResidualOutput output;

    public BertAttention(BertConfig config) : base(nameof(BertAttention))
    {
        @self = new BertSelfAttention(config);
        output = new BertResidualOutput(config.HiddenSize, config);
        RegisterComponents();
    }

    /// <summary>HF's <c>attention.self</c>.</summary>
    public BertSelfAttention Self => @self;
    /// <summary>HF's <c>attention.output</c> (BertSelfOutput).</summary>
    public BertResidualOutput Output => output;

    /// <param name="hidden">(B, T, H)</param>
    /// <param name="additiveMask">(B, 1, 1, T)</param>
    public override Tensor forward(Tensor hidden, Tensor additiveMask) => forward(hidden, hidden, additiveMask);

    /// <summary>The block for the tokens of <paramref name="queries"/>, attending to every token of <paramref name="hidden"/>.</summary>
    /// <param name="queries">(B, Tq, H): every token, or the first (the last layer of a classifier)</param>
    /// <param name="hidden">(B, T, H)</param>
    /// <param name="additiveMask">(B, 1, 1, T)</param>
    /// <returns>(B, Tq, H)</returns>
    public Tensor forward(Tensor queries, Tensor hidden, Tensor additiveMask)
    {
        using var scope = NewDisposeScope();
        var context = @self.forward(queries, hidden, additiveMask); // (B, Tq, H): the heads' weighted values, concatenated
        var attentionOutput = output.forward(context, queries);    // (B, Tq, H): LayerNorm(dense + residual)
        return scope.MoveToOuter(attentionOutput);
    }
}
