using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BertNotebooks.Modeling;

/// <summary>HF's <c>BertPreTrainedModel._init_weights</c>: what a fresh model, or a head that a checkpoint lacks, starts from.</summary>
public static class BertInit
{
    /// <summary>
    /// Linear and Embedding weights ~ N(0, initializer_range), biases 0, LayerNorm 1 and 0, the word embeddings'
    /// padding row 0. Draws from TorchSharp's global generator, so <c>torch.manual_seed</c> makes it repeatable.
    /// </summary>
    public static void Initialise(nn.Module module, BertConfig config)
    {
        using var noGrad = no_grad();
        foreach (var (name, m) in module.named_modules().Prepend(("", module)))
        {
            switch (m)
            {
                case Linear linear:
                    nn.init.normal_(linear.weight!, 0, config.InitializerRange);
                    linear.bias?.zero_();
                    break;
                case Embedding embedding:
                    nn.init.normal_(embedding.weight!, 0, config.InitializerRange);
                    // Only the word embeddings are built with padding_idx, as in HF.
                    if (config.PadTokenId is int pad
                        && (name == "word_embeddings" || name.EndsWith(".word_embeddings", StringComparison.Ordinal)))
                        embedding.weight![pad].zero_();
                    break;
                case LayerNorm norm:
                    norm.weight!.fill_(1.0);
                    norm.bias!.zero_();
                    break;
            }
        }
    }
}
