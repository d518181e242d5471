using BertNotebooks.Modeling;
using BertNotebooks.Tokenization;
using static TorchSharp.torch;

namespace BertNotebooks.Tests.Modeling;

/// <summary>
/// 03-model walks the forward pass by hand through the modules' read-only accessors; these are the same steps, and
/// they must give the model's own logits (and a sane attention picture).
/// </summary>
public sealed class HandForwardTests
{
    static (BertForSequenceClassification Model, EncodedBatch Batch) TinyBertAndBatch()
    {
        var (model, _) = BertForSequenceClassification.FromPretrained(Shared.Fixture("tiny-bert"));
        model.eval();
        // Two texts, the second padded after 5 tokens, the first using segment B for its last 3.
        var ids = tensor(new long[,] { { 101, 7592, 2088, 2003, 1037, 3231, 102, 2023, 2003, 102 }, { 101, 2307, 2154, 999, 102, 0, 0, 0, 0, 0 } });
        var mask = tensor(new long[,] { { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 }, { 1, 1, 1, 1, 1, 0, 0, 0, 0, 0 } });
        var types = tensor(new long[,] { { 0, 0, 0, 0, 0, 0, 0, 1, 1, 1 }, { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 } });
        return (model, new EncodedBatch(ids, mask, types));
    }

    [FixtureFact("tiny-bert")]
    public void The_forward_pass_by_hand_gives_the_models_logits()
    {
        var (model, batch) = TinyBertAndBatch();
        using var noGrad = no_grad();

        var embedded = model.Bert.Embeddings.call(batch.InputIds, batch.TokenTypeIds);           // (B, T, H)
        var mask = BertModel.AdditiveMask(batch.AttentionMask, embedded.dtype);                  // (B, 1, 1, T)
        var hidden = embedded;
        foreach (var layer in model.Bert.Encoder.Layers) hidden = layer.call(hidden, mask);      // (B, T, H)
        var pooled = model.Bert.Pooler!.Dense.call(hidden[.., 0]).tanh();                         // (B, H)
        var logits = model.Classifier.call(model.Dropout.call(pooled));                          // (B, C)

        var expected = model.call(batch).Logits;
        Assert.Equal(expected.shape, logits.shape);
        Assert.True((logits - expected).abs().max().item<float>() <= 1e-6f);
    }

    [FixtureFact("tiny-bert")]
    public void Attention_probabilities_sum_to_one_and_give_padding_nothing()
    {
        var (model, batch) = TinyBertAndBatch();
        using var noGrad = no_grad();
        var embedded = model.Bert.Embeddings.call(batch.InputIds, batch.TokenTypeIds);
        var mask = BertModel.AdditiveMask(batch.AttentionMask, embedded.dtype);

        var probabilities = model.Bert.Encoder.Layers[0].Attention.Self.AttentionProbabilities(embedded, mask); // (B, nh, T, T)

        Assert.Equal([2L, 4, 10, 10], probabilities.shape);
        Assert.True((probabilities.sum(-1) - 1).abs().max().item<float>() < 1e-5f);
        Assert.Equal(0f, probabilities[1, .., .., 5..].abs().max().item<float>()); // the second text's padding keys
        Assert.True(probabilities[0, .., .., 5..].min().item<float>() > 0f);         // the first text has no padding
    }
}
