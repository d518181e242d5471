using BertNotebooks.Training;

namespace BertNotebooks.Tests.Training;

public sealed class SamplerTests
{
    [Fact]
    public void RandomOrderIsASeededPermutationThatChangesWithTheEpoch()
    {
        var order = Samplers.RandomOrder(100, seed: 3, epoch: 0);
        Assert.Equal(Enumerable.Range(0, 100), order.Order());
        Assert.Equal(order, Samplers.RandomOrder(100, seed: 3, epoch: 0));
        Assert.NotEqual(order, Samplers.RandomOrder(100, seed: 3, epoch: 1));
        Assert.NotEqual(order, Samplers.RandomOrder(100, seed: 4, epoch: 0));
    }

    [Fact]
    public void LengthGroupedOrderSortsEachMegabatchAndPutsTheLongestFirst()
    {
        var random = new Random(5);
        var lengths = Enumerable.Range(0, 1000).Select(_ => random.Next(1, 512)).ToList();
        const int batch = 4;
        var order = Samplers.LengthGroupedOrder(lengths, batch, seed: 1, epoch: 0);

        Assert.Equal(Enumerable.Range(0, 1000), order.Order());
        Assert.Equal(lengths.Max(), lengths[order[0]]);
        Assert.Equal(order, Samplers.LengthGroupedOrder(lengths, batch, seed: 1, epoch: 0));
        Assert.NotEqual(order, Samplers.LengthGroupedOrder(lengths, batch, seed: 1, epoch: 1));
        // 1000 / (4 * 4) = 62 > 50, so megabatches hold 50 batches of 4 = 200: each is sorted longest first (the first
        // element of each may have been swapped with the overall longest, so check from the second on).
        foreach (var megabatch in order.Chunk(200))
            for (int i = 2; i < megabatch.Length; i++) Assert.True(lengths[megabatch[i - 1]] >= lengths[megabatch[i]]);
        // And grouping pays: the padded width summed over batches is far below that of a random order.
        static long Padded(IEnumerable<int[]> batches, List<int> l) => batches.Sum(b => (long)b.Max(i => l[i]) * b.Length);
        Assert.True(Padded(order.Chunk(batch), lengths) < 0.7 * Padded(Samplers.RandomOrder(1000, 1, 0).Chunk(batch), lengths));
    }

    [Fact]
    public void SmallSetsUseSmallerMegabatches()
    {
        // 10 examples, batch 4: 10 / 16 = 0 -> megabatches of 1 batch; the longest example still comes first.
        int[] lengths = [3, 9, 1, 7, 5, 2, 8, 6, 4, 10];
        var order = Samplers.LengthGroupedOrder(lengths, 4, seed: 2, epoch: 0);
        Assert.Equal(10, lengths[order[0]]);
        Assert.Equal(Enumerable.Range(0, 10), order.Order());
    }
}
