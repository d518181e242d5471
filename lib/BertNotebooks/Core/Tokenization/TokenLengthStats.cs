namespace BertNotebooks.Tokenization;

/// <summary>Documents whose token count (with [CLS] and [SEP]) is in [<see cref="Start"/>, <see cref="End"/>).</summary>
public sealed record HistogramBin(int Start, int End, int Count);

/// <summary>
/// How long documents are in tokens before truncation, to choose a max length: percentiles use numpy's default
/// (linear interpolation), <see cref="FractionTruncated"/> is the share longer than <see cref="MaxLength"/>.
/// </summary>
public sealed record TokenLengthStats(int Count, double Mean, double Median, double P90, double P95, int Max,
    int MaxLength, double FractionTruncated, IReadOnlyList<HistogramBin> Histogram)
{
    public static TokenLengthStats FromLengths(IReadOnlyList<int> lengths, int maxLength, int binWidth = 32)
    {
        if (lengths.Count == 0) throw new ArgumentException("No lengths: tokenize at least one document.", nameof(lengths));
        if (binWidth < 1) throw new ArgumentOutOfRangeException(nameof(binWidth), binWidth, "binWidth must be at least 1 token.");
        var sorted = lengths.Order().ToArray();
        int max = sorted[^1];
        var counts = new int[max / binWidth + 1];
        foreach (int length in sorted) counts[length / binWidth]++;
        var bins = counts.Select((c, i) => new HistogramBin(i * binWidth, (i + 1) * binWidth, c)).ToArray();
        return new TokenLengthStats(sorted.Length, sorted.Average(), Percentile(sorted, 0.5), Percentile(sorted, 0.9),
            Percentile(sorted, 0.95), max, maxLength, sorted.Count(l => l > maxLength) / (double)sorted.Length, bins);
    }

    static double Percentile(int[] sorted, double q)
    {
        double position = q * (sorted.Length - 1);
        int below = (int)Math.Floor(position);
        int above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }

    public override string ToString() =>
        $"{Count} documents: mean {Mean:F1}, median {Median:F1}, p90 {P90:F1}, p95 {P95:F1}, max {Max} tokens; " +
        $"{FractionTruncated:P1} longer than {MaxLength}";
}
