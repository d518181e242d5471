using BertNotebooks.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace BertNotebooks.Modeling;

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

    public override BertModelOutput forward(EncodedBatch batch)
    {
        using var scope = NewDisposeScope();
        var embedded = embeddings.forward(batch.InputIds, batch.TokenTypeIds);       // (B, T, H)
        var hidden = encoder.forward(embedded, AdditiveMask(batch.AttentionMask, Autocast.ComputeTypeOr(embedded.dtype))); // (B, T, H)
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
