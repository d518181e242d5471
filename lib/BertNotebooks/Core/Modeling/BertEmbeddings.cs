using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BertNotebooks.Modeling;

/// <summary>Word + absolute position + token type embeddings, then LayerNorm and dropout (HF BertEmbeddings).</summary>
public sealed class BertEmbeddings : nn.Module<Tensor, Tensor, Tensor>
{
    // Field names are the HF state-dict names.
    readonly Embedding word_embeddings;
    readonly Embedding position_embeddings;
    readonly Embedding token_type_embeddings;
    readonly LayerNorm LayerNorm;
    readonly nn.Module<Tensor, Tensor> dropout; // nn.Dropout

    public BertEmbeddings(BertConfig config) : base(nameof(BertEmbeddings))
    {
        word_embeddings = nn.Embedding(config.VocabSize, config.HiddenSize, padding_idx: config.PadTokenId);
        position_embeddings = nn.Embedding(config.MaxPositionEmbeddings, config.HiddenSize);
        token_type_embeddings = nn.Embedding(config.TypeVocabSize, config.HiddenSize);
        LayerNorm = nn.LayerNorm(config.HiddenSize, eps: config.LayerNormEps);
        dropout = nn.Dropout(config.HiddenDropoutProb);
        RegisterComponents();
    }

    /// <param name="inputIds">(B, T) int64</param>
    /// <param name="tokenTypeIds">(B, T) int64</param>
    /// <returns>(B, T, H)</returns>
    public override Tensor forward(Tensor inputIds, Tensor tokenTypeIds)
    {
        using var scope = NewDisposeScope();
        var length = inputIds.shape[1];
        var maxPositions = position_embeddings.weight!.shape[0];
        if (length > maxPositions)
            throw new ArgumentException($"The batch has {length} tokens per row, more than max_position_embeddings {maxPositions}; " +
                $"truncate to {maxPositions} (MaxLength).");
        var positions = arange(length, dtype: ScalarType.Int64, device: inputIds.device).unsqueeze(0); // (1, T)
        var x = word_embeddings.forward(inputIds)                                                      // (B, T, H)
              + token_type_embeddings.forward(tokenTypeIds)                                            // (B, T, H)
              + position_embeddings.forward(positions);                                                // (1, T, H)
        return scope.MoveToOuter(dropout.forward(LayerNorm.forward(x)));
    }
}
