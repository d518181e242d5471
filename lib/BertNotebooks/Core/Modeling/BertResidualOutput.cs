using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BertNotebooks.Modeling;

/// <summary>
/// A projection back to H, dropout, and the residual LayerNorm. HF has two classes of this shape: BertSelfOutput after
/// attention (input H) and BertOutput after the feed-forward block (input FFN); the state-dict keys are the same.
/// </summary>
public sealed class BertResidualOutput : nn.Module<Tensor, Tensor, Tensor>
{
    readonly nn.Module<Tensor, Tensor> dense; // nn.Linear
    readonly LayerNorm LayerNorm;
    readonly nn.Module<Tensor, Tensor> dropout; // nn.Dropout

    public BertResidualOutput(int inputSize, BertConfig config) : base(nameof(BertResidualOutput))
    {
        dense = nn.Linear(inputSize, config.HiddenSize);
        LayerNorm = nn.LayerNorm(config.HiddenSize, eps: config.LayerNormEps);
        dropout = nn.Dropout(config.HiddenDropoutProb);
        RegisterComponents();
    }

    /// <param name="input">(B, T, H) attention's output or (B, T, FFN) the feed-forward block's</param>
    /// <param name="residual">(B, T, H) the block's input, float32: under mixed precision the sum promotes to float32 for LayerNorm</param>
    public override Tensor forward(Tensor input, Tensor residual)
    {
        using var scope = NewDisposeScope();
        return scope.MoveToOuter(LayerNorm.forward(dropout.forward(dense.forward(input)) + residual)); // (B, T, H)
    }
}
