using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BertNotebooks.Modeling;

/// <summary>The stack of transformer blocks (HF BertEncoder: <c>encoder.layer.N</c>).</summary>
public sealed class BertEncoder : nn.Module<Tensor, Tensor, Tensor>
{
    readonly ModuleList<BertLayer> layer;

    public BertEncoder(BertConfig config) : base(nameof(BertEncoder))
    {
        layer = nn.ModuleList(Enumerable.Range(0, config.NumHiddenLayers).Select(_ => new BertLayer(config)).ToArray());
        RegisterComponents();
    }

    /// <summary>The blocks in order, read-only (HF <c>encoder.layer</c>).</summary>
    public IReadOnlyList<BertLayer> Layers => [.. layer];

    /// <param name="hidden">(B, T, H)</param>
    /// <param name="additiveMask">(B, 1, 1, T)</param>
    public override Tensor forward(Tensor hidden, Tensor additiveMask) => forward(hidden, additiveMask, firstTokenOnly: false);

    /// <param name="hidden">(B, T, H)</param>
    /// <param name="additiveMask">(B, 1, 1, T)</param>
    /// <param name="firstTokenOnly">the last block computes the first token's row alone, (B, 1, H): all a classifier reads
    /// (its pooler takes [CLS]), for about a seventh less work in a 6-layer model. Its [CLS] still attends to every
    /// token.</param>
    /// <returns>(B, T, H), or (B, 1, H) with <paramref name="firstTokenOnly"/></returns>
    public Tensor forward(Tensor hidden, Tensor additiveMask, bool firstTokenOnly)
    {
        using var scope = NewDisposeScope();
        var blocks = Layers;
        foreach (var block in blocks.SkipLast(firstTokenOnly ? 1 : 0)) hidden = block.forward(hidden, additiveMask); // (B, T, H)
        if (firstTokenOnly) hidden = blocks[^1].forward(hidden[.., ..1], hidden, additiveMask); // (B, 1, H): [CLS]'s row alone
        return scope.MoveToOuter(hidden);
    }
}
