using System.Diagnostics;

namespace BertNotebooks.Tokenization;

/// <summary>How fast a tokenizer got through a corpus on some number of cores: what benchmark verbs print.</summary>
public sealed record TokenizerThroughput(string Tokenizer, int Cores, int Documents, long Tokens, TimeSpan Elapsed)
{
    public double DocumentsPerSecond => Documents / Elapsed.TotalSeconds;
    public double TokensPerSecond => Tokens / Elapsed.TotalSeconds;

    /// <summary>
    /// Times one pass over <paramref name="documents"/> on at most <paramref name="cores"/> threads, after a second of
    /// untimed warm-up (so the tiered JIT has compiled the hot code fully). <paramref name="createEncoder"/> runs once per thread, so an encoder may own its buffers;
    /// it returns how many tokens a document gave.
    /// </summary>
    public static TokenizerThroughput Measure(string tokenizer, IReadOnlyList<string> documents, int cores, Func<Func<string, int>> createEncoder)
    {
        if (cores < 1) throw new ArgumentOutOfRangeException(nameof(cores), cores, "Measure on at least one core.");
        var warmUp = createEncoder();
        for (var warming = Stopwatch.StartNew(); warming.Elapsed < TimeSpan.FromSeconds(1);)
            foreach (var document in documents.Take(100)) warmUp(document);

        long tokens = 0;
        var clock = Stopwatch.StartNew();
        Parallel.For(0, documents.Count, new ParallelOptions { MaxDegreeOfParallelism = cores },
            () => (Encode: createEncoder(), Tokens: 0L),
            (i, _, local) => (local.Encode, local.Tokens + local.Encode(documents[i])),
            local => Interlocked.Add(ref tokens, local.Tokens));
        clock.Stop();
        return new TokenizerThroughput(tokenizer, cores, documents.Count, tokens, clock.Elapsed);
    }

    public override string ToString() =>
        $"{Tokenizer,-22} {Cores,2} core{(Cores == 1 ? " " : "s")}  {DocumentsPerSecond,10:N0} documents/s  {TokensPerSecond,12:N0} tokens/s  ({Elapsed.TotalSeconds:F2} s)";
}
