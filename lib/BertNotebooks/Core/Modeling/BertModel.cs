using BertNotebooks.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace BertNotebooks.Modeling;

// The modules in forward order, a file each, named and nested as in Hugging Face's modeling_bert.py:
//   BertForSequenceClassification.cs   bert -> dropout -> classifier, and the loss
//   `- BertModel.cs (this file)         embeddings -> encoder -> pooler
//      |- BertEmbeddings.cs             word + position + token-type embeddings -> LayerNorm -> dropout
//      |- BertEncoder.cs                NumHiddenLayers x BertLayer
//      |  `- BertLayer.cs               attention -> intermediate -> output
//      |     |- BertAttention.cs        self -> output
//      |     |  |- BertSelfAttention.cs query, key, value; softmax(Q K^T / sqrt(d) + mask) V, per head
//      |     |  `- BertResidualOutput.cs dense -> dropout -> LayerNorm(x + residual) (HF's BertSelfOutput)
//      |     |- BertIntermediate.cs     dense -> activation (Activations.cs: hidden_act by name)
//      |     `- BertResidualOutput.cs   the same block after the feed-forward (HF's BertOutput)
//      `- BertPooler.cs                 dense -> tanh on the [CLS] vector
// Beside them: BertConfig.cs (config.json), BertInit.cs (HF's _init_weights),
// BertForSequenceClassification.Pretrained.cs (from_pretrained / save_pretrained).
// Every nn.Linear and nn.Dropout is held as an nn.Module<Tensor, Tensor>, so that the speed kernels (the Kernels folder:
// bf16 mixed precision, faster dropout masks) can take its place after construction, as transformers'
// attn_implementation; what you read here is what they compute (Training/IKernels.cs is the seam).

/// <summary>The BERT encoder without a task head (HF BertModel): embeddings, encoder and an optional pooler.</summary>
public sealed class BertModel : nn.Module<EncodedBatch, BertModelOutput>
{
    readonly BertEmbeddings embeddings;
    readonly BertEncoder encoder;
    readonly BertPooler? pooler;

    public BertConfig Config { get; }

    // Read-only, for walking the forward pass by hand (03-model); training goes through forward.
    public BertEmbeddings Embeddings => embeddings;
    public BertEncoder Encoder => encoder;
    public BertPooler? Pooler => pooler;

    /// <param name="addPoolingLayer">false for encoders whose checkpoints carry no pooler (PooledOutput is then null)</param>
    public BertModel(BertConfig config, bool addPoolingLayer = true) : base(nameof(BertModel))
    {
        config.Validate();
        Config = config;
        embeddings = new BertEmbeddings(config);
        encoder = new BertEncoder(config);
        pooler = addPoolingLayer ? new BertPooler(config) : null;
        RegisterComponents();
        BertInit.Initialise(this, config);
    }

    public override BertModelOutput forward(EncodedBatch batch) => forward(batch, firstTokenOnly: false);

    /// <param name="batch">the token ids, attention mask and token types, each (B, T)</param>
    /// <param name="firstTokenOnly">the last layer computes [CLS]'s row alone: LastHiddenState is (B, 1, H), all the pooler
    /// reads (<see cref="BertEncoder.forward(Tensor, Tensor, bool)"/>)</param>
    public BertModelOutput forward(EncodedBatch batch, bool firstTokenOnly)
    {
        using var scope = NewDisposeScope();
        var embedded = embeddings.forward(batch.InputIds, batch.TokenTypeIds);       // (B, T, H)
        var additiveMask = AdditiveMask(batch.AttentionMask, embedded.dtype);           // (B, 1, 1, T)
        var hidden = encoder.forward(embedded, additiveMask, firstTokenOnly);         // (B, T, H), or (B, 1, H)
        var pooled = pooler?.forward(hidden);                                           // (B, H)
        scope.MoveToOuter(embedded, hidden);
        if (pooled is not null) scope.MoveToOuter(pooled);
        return new BertModelOutput(embedded, hidden, pooled);
    }

    /// <summary>(B, T) 1/0 → (B, 1, 1, T): 0 for real tokens, the dtype's minimum for padding, as HF's extended mask.</summary>
    public static Tensor AdditiveMask(Tensor attentionMask, ScalarType dtype)
    {
        using var scope = NewDisposeScope();
        var keep = attentionMask.to(dtype).unsqueeze(1).unsqueeze(2); // (B, 1, 1, T)
        return scope.MoveToOuter((1.0 - keep) * finfo(dtype).min);
    }
}
