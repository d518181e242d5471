using BertNotebooks.Tokenization;
using BertNotebooks.Training;

namespace BertNotebooks.Tests.Training;

public class PaddingCostTests
{
    [Fact]
    public void Padding_to_max_length_counts_every_document_at_the_limit_and_truncates_the_real_tokens()
    {
        var cost = PaddingCost.Compare([10, 20, 600], maxLength: 512, batchSize: 2, seed: 1)[0];

        Assert.Equal(3 * 512, cost.TokensComputed);
        Assert.Equal(10 + 20 + 512, cost.RealTokens);
        Assert.Equal(1 - 542.0 / 1536, cost.ShareOfPadding, 12);
    }

    [Fact]
    public void One_batch_pads_to_its_longest_document_whatever_the_order()
    {
        var costs = PaddingCost.Compare([5, 9, 3, 7], maxLength: 8, batchSize: 4, seed: 7);

        Assert.Equal(4 * 8, costs[1].TokensComputed);
        Assert.Equal(4 * 8, costs[2].TokensComputed);
        Assert.Equal(5 + 8 + 3 + 7, costs[2].RealTokens);
    }

    [Fact]
    public void Grouping_by_length_pads_less_than_random_batches_on_mixed_lengths()
    {
        var random = new Random(3);
        var lengths = Enumerable.Range(0, 2000).Select(_ => random.Next(10, 700)).ToArray();

        var costs = PaddingCost.Compare(lengths, maxLength: 512, batchSize: 8, seed: 42);

        Assert.True(costs[0].TokensComputed > costs[1].TokensComputed, "padding to the limit must cost the most");
        Assert.True(costs[1].TokensComputed > costs[2].TokensComputed, "grouped batches must pad less than random ones");
        Assert.True(costs[2].TimesRealTokens < 1.05, $"grouped batches computed {costs[2].TimesRealTokens:F3}x the real tokens");
    }

    [Fact]
    public void The_Trainers_padding_rounds_each_grouped_batch_up_to_a_multiple_of_8()
    {
        // Batches of one document: 3 and 5 tokens are padded to 8, 12 and 9 to 16.
        var costs = PaddingCost.Compare([3, 12, 5, 9], maxLength: 512, batchSize: 1, seed: 1);

        Assert.Equal(3 + 12 + 5 + 9, costs[2].TokensComputed);
        Assert.Equal(8 + 16 + 8 + 16, costs[3].TokensComputed);
        Assert.Contains("multiple of 8", costs[3].Padding);
    }

    [Fact]
    public void A_batch_size_below_one_is_refused()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => PaddingCost.Compare([1, 2], 8, batchSize: 0, seed: 1));
        Assert.Contains("batchSize", error.Message);
    }
}
