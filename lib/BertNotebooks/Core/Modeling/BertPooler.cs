using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BertNotebooks.Modeling;

/// <summary>tanh(dense(h_[CLS])): the sentence vector that the classifier reads (HF BertPooler).</summary>
public sealed class BertPooler : nn.Module<Tensor, Tensor>
{
    readonly nn.Module<Tensor, Tensor> dense; // nn.Linear

    /// <summary>The pooler is <c>tanh(dense(hidden[:, 0]))</c>; this is its dense layer, read-only.</summary>
    public nn.Module<Tensor, Tensor> Dense => dense;

    public BertPooler(BertConfig config) : base(nameof(BertPooler))
    {
        dense = nn.Linear(config.HiddenSize, config.HiddenSize);
        RegisterComponents();
    }

    /// <param name="hidden">(B, T, H)</param>
    /// <returns>(B, H)</returns>
    public override Tensor forward(Tensor hidden)
    {
        using var scope = NewDisposeScope();
        return scope.MoveToOuter(tanh(dense.forward(hidden[.., 0])));
    }
}
