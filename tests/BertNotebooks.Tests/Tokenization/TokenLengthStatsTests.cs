using BertNotebooks.Tokenization;

namespace BertNotebooks.Tests.Tokenization;

public class TokenLengthStatsTests
{
    [Fact]
    public void Percentiles_interpolate_like_numpy_and_truncation_counts_lengths_over_max()
    {
        // numpy.percentile([2, 10, 20, 30, 600], q) with the default linear method: q50 = 20, q90 = 372, q95 = 486.
        var stats = TokenLengthStats.FromLengths([30, 2, 600, 20, 10], maxLength: 512, binWidth: 100);

        Assert.Equal(5, stats.Count);
        Assert.Equal(132.4, stats.Mean, 9);
        Assert.Equal(20, stats.Median, 9);
        Assert.Equal(372, stats.P90, 9);
        Assert.Equal(486, stats.P95, 9);
        Assert.Equal(600, stats.Max);
        Assert.Equal(0.2, stats.FractionTruncated, 9);
        Assert.Equal(7, stats.Histogram.Count);
        Assert.Equal(new HistogramBin(0, 100, 4), stats.Histogram[0]);
        Assert.Equal(new HistogramBin(600, 700, 1), stats.Histogram[6]);
        Assert.Equal(5, stats.Histogram.Sum(b => b.Count));
    }

    [Fact]
    public void Encoder_stats_use_untruncated_lengths()
    {
        using var folder = new ModelFolder(ModelFolder.SmallVocab);
        string[] texts = ["hello", "hello world", string.Join(' ', Enumerable.Repeat("hello", 20))];

        var stats = folder.Encoder().LengthStats(texts, maxLength: 8, binWidth: 4);

        Assert.Equal(22, stats.Max);
        Assert.Equal(1 / 3.0, stats.FractionTruncated, 9);
        Assert.Equal(4, stats.Median, 9);
        Assert.Throws<ArgumentException>(() => TokenLengthStats.FromLengths([], 512));
    }
}
