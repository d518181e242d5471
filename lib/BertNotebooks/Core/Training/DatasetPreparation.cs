using BertNotebooks.Data;
using BertNotebooks.Tokenization;

namespace BertNotebooks.Training;

/// <summary>The steps between a <see cref="TextDataset"/> and the Trainer: a
/// seeded subset (for quick runs) and tokenizing with labels.</summary>
public static class DatasetPreparation
{
    /// <summary>At most <paramref name="maxCount"/> examples, drawn at random
    /// (seeded) so that every class keeps its share on average.</summary>
    public static TextDataset Subset(TextDataset data, int? maxCount, int seed)
    {
        if (maxCount is not { } max || max >= data.Count) return data;
        if (max <= 0) throw new ArgumentException($"A subset needs at least one example, not {max}.", nameof(maxCount));
        var picked = Samplers.RandomOrder(data.Count, seed, epoch: 0).Take(max).Order().Select(i => data.Examples[i]).ToList();
        return new TextDataset(picked, data.ClassNames);
    }

    /// <summary>Each text (with its pair, when it has one) encoded to at most
    /// <paramref name="maxLength"/> tokens, labels kept; on all cores.</summary>
    public static IReadOnlyList<TokenizedExample> Tokenize(BertTextEncoder encoder, TextDataset data, int maxLength)
    {
        if (data.Examples.All(e => e.TextPair is null))
            return encoder.EncodeBatch(data.Examples.Select(e => e.Text).ToList(), maxLength, data.Examples.Select(e => e.Label).ToList());
        var examples = new TokenizedExample[data.Count];
        Parallel.For(0, data.Count, i =>
        {
            var e = data.Examples[i];
            examples[i] = e.TextPair is null
                ? encoder.Encode(e.Text, maxLength, e.Label)
                : encoder.EncodePair(e.Text, e.TextPair, maxLength, e.Label);
        });
        return examples;
    }
}
