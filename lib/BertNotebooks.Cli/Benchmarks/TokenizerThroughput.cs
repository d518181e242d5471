using System.Diagnostics;

namespace BertNotebooks.Cli.Benchmarks;

/// <summary>How fast a tokenizer got through a corpus on some number of cores: what benchmark verbs print.</summary>
public sealed record TokenizerThroughput(string Tokenizer, int Cores, int Documents, long Tokens, TimeSpan Elapsed)
{
    public double DocumentsPerSecond => Documents / Elapsed.TotalSeconds;
    public double TokensPerSecond => Tokens / Elapsed.TotalSeconds;

    /// <summary>
    /// Runs a tokenizer for a second untimed, so that the tiered JIT has compiled its hot code fully before
    /// <see cref="Measure"/> times it. <paramref name="createEncoder"/> is as there.
    /// </summary>
    public static void WarmUp(IReadOnlyList<string> documents, Func<Func<string, int>> createEncoder)
    {
        var encode = createEncoder();
        for (var warming = Stopwatch.StartNew(); warming.Elapsed < TimeSpan.FromSeconds(1);)
            foreach (var document in documents.Take(100)) encode(document);
    }

    /// <summary>
    /// Times one pass over <paramref name="documents"/> on at most <paramref name="cores"/> threads.
    /// <paramref name="createEncoder"/> runs once per thread, so an encoder may own its buffers; it returns how many
    /// tokens a document gave.
    /// </summary>
    public static TokenizerThroughput Measure(string tokenizer, IReadOnlyList<string> documents, int cores,
        Func<Func<string, int>> createEncoder)
    {
        if (cores < 1) throw new ArgumentOutOfRangeException(nameof(cores), cores, "Measure on at least one core.");
        long tokens = 0;
        var clock = Stopwatch.StartNew();
        Parallel.For(0, documents.Count, new ParallelOptions { MaxDegreeOfParallelism = cores },
            () => (Encode: createEncoder(), Tokens: 0L),
            (i, _, local) => (local.Encode, local.Tokens + local.Encode(documents[i])),
            local => Interlocked.Add(ref tokens, local.Tokens));
        clock.Stop();
        return new TokenizerThroughput(tokenizer, cores, documents.Count, tokens, clock.Elapsed);
    }

    /// <summary>The faster of two passes: on a machine that others share, the fastest pass is the least disturbed one.</summary>
    public static TokenizerThroughput Fastest(TokenizerThroughput? a, TokenizerThroughput b) => a is null || b.Elapsed < a.Elapsed ? b : a;

    public override string ToString() =>
        $"{Tokenizer,-23} {Cores,2} core{(Cores == 1 ? " " : "s")}  {DocumentsPerSecond,10:N0} documents/s  {TokensPerSecond,12:N0} " +
        $"tokens/s  ({Elapsed.TotalSeconds:F2} s)";
}
