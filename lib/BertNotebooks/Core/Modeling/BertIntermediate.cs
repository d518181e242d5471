using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BertNotebooks.Modeling;

/// <summary>The feed-forward block's expansion H → FFN and the activation (HF BertIntermediate).</summary>
public sealed class BertIntermediate : nn.Module<Tensor, Tensor>
{
    readonly nn.Module<Tensor, Tensor> dense; // nn.Linear
    readonly Func<Tensor, Tensor> activation;

    public BertIntermediate(BertConfig config) : base(nameof(BertIntermediate))
    {
        dense = nn.Linear(config.HiddenSize, config.IntermediateSize);
        activation = Activations.Get(config.HiddenAct);
        RegisterComponents();
    }

    /// <param name="hidden">(B, T, H)</param>
    /// <returns>(B, T, FFN)</returns>
    public override Tensor forward(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        return scope.MoveToOuter(activation(dense.forward(hidden)));
    }
}
