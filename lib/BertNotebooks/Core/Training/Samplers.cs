using BertNotebooks.Tokenization;

namespace BertNotebooks.Training;

/// <summary>
/// The order in which training examples are visited in an epoch. Deterministic in (seed, epoch), so a resumed run visits
/// the same examples in the same order and can skip the batches it already consumed.
/// </summary>
public static class Samplers
{
    /// <summary>The example indices of epoch <paramref name="epoch"/> as the Trainer visits them, cut into batches: random
    /// or grouped by length (<see cref="TrainingArguments.GroupByLength"/>), the same for a given (Seed, epoch).</summary>
    public static IReadOnlyList<int[]> EpochBatches(IReadOnlyList<TokenizedExample> train, TrainingArguments args, int epoch) =>
        EpochBatches(train.Select(e => e.Length).ToList(), args.GroupByLength, args.PerDeviceTrainBatchSize, args.Seed, epoch);

    /// <summary>The same batches from the examples' token counts alone.</summary>
    public static IReadOnlyList<int[]> EpochBatches(IReadOnlyList<int> lengths, bool groupByLength, int batchSize, int seed, int epoch)
    {
        var order = groupByLength ? LengthGroupedOrder(lengths, batchSize, seed, epoch) : RandomOrder(lengths.Count, seed, epoch);
        return order.Chunk(batchSize).ToList();
    }

    /// <summary>A seeded random permutation of 0..count-1 (HF's RandomSampler).</summary>
    public static int[] RandomOrder(int count, int seed, int epoch)
    {
        var order = Enumerable.Range(0, count).ToArray();
        EpochRandom(seed, epoch).Shuffle(order);
        return order;
    }

    /// <summary>
    /// HF's LengthGroupedSampler: a random permutation cut into megabatches of 50 batches (fewer for small sets), each sorted by
    /// length, longest first; the longest example overall is moved to the very first batch so an out-of-memory error shows at once.
    /// Consecutive batches then hold similar lengths (little padding) while the megabatches stay random.
    /// </summary>
    public static int[] LengthGroupedOrder(IReadOnlyList<int> lengths, int batchSize, int seed, int epoch)
    {
        if (batchSize <= 0) throw new ArgumentException($"batchSize must be positive, not {batchSize}.");
        var indices = RandomOrder(lengths.Count, seed, epoch);
        int megabatchMultiple = Math.Max(1, Math.Min(lengths.Count / (batchSize * 4), 50));
        int megabatchSize = megabatchMultiple * batchSize;
        var megabatches = indices.Chunk(megabatchSize)
            .Select(m => m.OrderByDescending(i => lengths[i]).ToArray()) // OrderBy is stable, as Python's sorted
            .ToList();
        if (megabatches.Count == 0) return [];
        int longest = 0;
        for (int m = 1; m < megabatches.Count; m++)
            if (lengths[megabatches[m][0]] > lengths[megabatches[longest][0]]) longest = m;
        (megabatches[0][0], megabatches[longest][0]) = (megabatches[longest][0], megabatches[0][0]);
        return megabatches.SelectMany(m => m).ToArray();
    }

    // System.Random with a seed runs .NET's legacy seeded algorithm, unchanged since .NET Framework and kept for compatibility,
    // though not promised (SplitMix64 is, for the split); changing it here would change every published run's order.
    static Random EpochRandom(int seed, int epoch) => new(unchecked(seed * Reproducibility.SeedStride + epoch));
}
