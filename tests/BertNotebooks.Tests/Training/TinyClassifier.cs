using BertNotebooks.Modeling;
using BertNotebooks.Tokenization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BertNotebooks.Tests.Training;

/// <summary>
/// A classifier small enough for the Trainer's tests on 2 cores: embeddings, LayerNorm, dropout (so RNG state matters
/// on resume), masked mean pooling, a linear head. <see cref="NanFromCall"/> poisons the loss to test divergence.
/// </summary>
public sealed class TinyClassifier : nn.Module<EncodedBatch, SequenceClassifierOutput>
{
    public const int Vocab = 40;
    readonly Embedding embeddings;
    readonly LayerNorm LayerNorm;
    readonly Dropout dropout;
    readonly Linear classifier;
    int _calls;

    /// <summary>The width (T) of every batch a training forward saw.</summary>
    public List<long> TrainingWidths { get; } = [];

    /// <summary>Training forwards from this one on (0-based) return a NaN loss.</summary>
    public int? NanFromCall { get; set; }

    public TinyClassifier(int classes = 3, int hidden = 16, long seed = 1, double dropoutProbability = 0.1) : base(nameof(TinyClassifier))
    {
        torch.manual_seed(seed);
        embeddings = nn.Embedding(Vocab, hidden);
        LayerNorm = nn.LayerNorm(hidden);
        dropout = nn.Dropout(dropoutProbability);
        classifier = nn.Linear(hidden, classes);
        RegisterComponents();
    }

    public override SequenceClassifierOutput forward(EncodedBatch batch)
    {
        if (training) TrainingWidths.Add(batch.InputIds.shape[1]);
        var mask = batch.AttentionMask.unsqueeze(-1).to(float32);                          // (B, T, 1)
        var hidden = dropout.call(LayerNorm.call(embeddings.call(batch.InputIds)));        // (B, T, H)
        var pooled = (hidden * mask).sum(1) / mask.sum(1);                                 // (B, H)
        var logits = classifier.call(pooled);                                              // (B, C)
        Tensor? loss = batch.Labels is null ? null : nn.functional.cross_entropy(logits, batch.Labels);
        if (training && loss is not null && NanFromCall is { } from && _calls++ >= from) loss = loss * float.NaN;
        return new SequenceClassifierOutput(logits, loss);
    }
}
