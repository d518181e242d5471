using TorchSharp;
using static TorchSharp.torch;

namespace BertNotebooks.Modeling;

/// <summary>One transformer block: attention, then the feed-forward block (HF BertLayer).</summary>
public sealed class BertLayer : nn.Module<Tensor, Tensor, Tensor>
{
    readonly BertAttention attention;
    readonly BertIntermediate intermediate;
    readonly BertResidualOutput output;

    public BertLayer(BertConfig config) : base(nameof(BertLayer))
    {
        attention = new BertAttention(config);
        intermediate = new BertIntermediate(config);
        output = new BertResidualOutput(config.IntermediateSize, config);
        RegisterComponents();
    }

    // Read-only, for walking the forward pass by hand (03-model).
    public BertAttention Attention => attention;
    public BertIntermediate Intermediate => intermediate;
    public BertResidualOutput Output => output;

    /// <param name="hidden">(B, T, H)</param>
    /// <param name="additiveMask">(B, 1, 1, T)</param>
    public override Tensor forward(Tensor hidden, Tensor additiveMask) => forward(hidden, hidden, additiveMask);

    /// <summary>The block's output for the tokens of <paramref name="queries"/> only; they attend to every token of
    /// <paramref name="hidden"/>. The rows of the full block's output for those tokens, computed alone.</summary>
    /// <param name="queries">(B, Tq, H): every token, or the first (the last layer of a classifier)</param>
    /// <param name="hidden">(B, T, H)</param>
    /// <param name="additiveMask">(B, 1, 1, T)</param>
    /// <returns>(B, Tq, H)</returns>
    public Tensor forward(Tensor queries, Tensor hidden, Tensor additiveMask)
    {
        using var scope = NewDisposeScope();
        var attentionOutput = attention.forward(queries, hidden, additiveMask); // (B, Tq, H)
        var intermediateOutput = intermediate.forward(attentionOutput);         // (B, Tq, FFN)
        var layerOutput = output.forward(intermediateOutput, attentionOutput);  // (B, Tq, H): LayerNorm(dense + residual)
        return scope.MoveToOuter(layerOutput);
    }
}
