namespace BertNotebooks.Training;

/// <summary>
/// The tokens the model computes on in one epoch when batches are padded one way: every token costs the same in the
/// encoder, padding included, so <see cref="TimesRealTokens"/> is close to how much longer an epoch takes.
/// </summary>
public sealed record PaddingCost(string Padding, long TokensComputed, long RealTokens)
{
    public double TimesRealTokens => TokensComputed / (double)RealTokens;
    public double ShareOfPadding => 1 - RealTokens / (double)TokensComputed;

    /// <summary>
    /// Four ways to pad the same documents (<paramref name="lengths"/> in tokens before truncation): all to
    /// <paramref name="maxLength"/> as the tutorial does; each batch to its longest document in random order; each
    /// batch to its longest with batches grouped by length, the Trainer's sampler; and the same rounded up to a multiple
    /// of <see cref="TrainingArguments.PadToMultipleOf"/>, the Trainer's default padding.
    /// </summary>
    public static IReadOnlyList<PaddingCost> Compare(IReadOnlyList<int> lengths, int maxLength, int batchSize, int seed)
    {
        if (lengths.Count == 0) throw new ArgumentException("No lengths: tokenize at least one document.", nameof(lengths));
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "batchSize must be at least 1.");
        var truncated = lengths.Select(l => Math.Min(l, maxLength)).ToArray();
        long real = truncated.Sum(l => (long)l);
        int multiple = new TrainingArguments().PadToMultipleOf;
        // The first epoch's batches, exactly as the Trainer makes them.
        long PaddedToLongest(bool groupByLength, int padToMultipleOf) =>
            Samplers.EpochBatches(truncated, groupByLength, batchSize, seed, epoch: 0).Sum(batch => (long)batch.Length *
                Tokenization.Collator.Width(batch.Max(i => truncated[i]), Tokenization.Padding.Longest, maxLength, padToMultipleOf));
        return
        [
            new($"every document to {maxLength}", (long)maxLength * truncated.Length, real),
            new("each batch to its longest, random batches", PaddedToLongest(groupByLength: false, 1), real),
            new("each batch to its longest, grouped by length", PaddedToLongest(groupByLength: true, 1), real),
            new($"grouped, rounded up to a multiple of {multiple} (the Trainer's)", PaddedToLongest(groupByLength: true, multiple), real),
        ];
    }
}
