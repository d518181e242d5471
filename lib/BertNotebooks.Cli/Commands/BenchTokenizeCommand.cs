using System.CommandLine;
using BertNotebooks.Cli.Benchmarks;
using BertNotebooks.Data;
using BertNotebooks.Hosting;
using BertNotebooks.Native;
using BertNotebooks.Tokenization;
using FastBertTokenizer;

namespace BertNotebooks.Cli.Commands;

/// <summary>
/// Tokenizes all of 20 Newsgroups (cleaned, subset "all", truncated to --max-length) with our HF-exact encoder and with
/// FastBertTokenizer, on one core and on all cores, and counts the documents whose ids agree. The two take turns,
/// --repeat passes each, and the fastest pass of each counts, so that load from other processes hits both alike.
/// </summary>
public sealed class BenchTokenizeCommand : ICliCommand
{
    const string Peer = "FastBertTokenizer 1.2.6";

    readonly Option<string?> _model = CommandLineHost.Typed<string?>("--model", "A model folder with vocab.txt");
    readonly Option<string?> _vocab = CommandLineHost.Typed<string?>("--vocab", "A vocab.txt (instead of --model)");
    readonly Option<bool> _cased = new("--cased") { Description = "With --vocab: the vocabulary is cased (no lower-casing)" };
    readonly Option<int> _maxLength = CommandLineHost.Defaulted("--max-length", "Truncate documents at this many tokens",
        BertTextEncoder.MaxSupportedLength);
    readonly Option<string?> _source = CommandLineHost.Typed<string?>("--source",
        "The 20 Newsgroups archive (default: the cache, a local copy or a download)");
    readonly Option<int?> _limit = CommandLineHost.Typed<int?>("--limit", "Only the first this many documents");
    readonly Option<int> _repeat = CommandLineHost.Defaulted("--repeat", "Timed passes per tokenizer and core count; the fastest counts",
        5);

    public Command Create()
    {
        var command = new Command("bench-tokenize", "Tokenizer speed on 20 Newsgroups, 1 core vs all, against FastBertTokenizer")
            { _model, _vocab, _cased, _maxLength, _source, _limit, _repeat };
        command.SetAction((result, cancel) => Task.FromResult(Run(result, cancel)));
        return command;
    }

    int Run(ParseResult args, CancellationToken cancel)
    {
        Console.WriteLine(MachineLine());
        var (encoder, vocabPath) = LoadEncoder(args);
        int maxLength = args.GetValue(_maxLength);
        encoder.Encode("", maxLength); // refuses a bad --max-length before the corpus loads
        int repeat = args.GetValue(_repeat);
        if (repeat < 1) throw new ArgumentException($"--repeat must be at least 1, not {repeat}.");
        var fast = new BertTokenizer();
        using (var vocab = File.OpenText(vocabPath)) fast.LoadVocabulary(vocab, convertInputToLowercase: encoder.DoLowerCase);

        var options = args.GetValue(_source) is { } source ? new NewsgroupsOptions { LocalSource = source } : new NewsgroupsOptions();
        var corpus = Newsgroups.Load(NewsgroupsSubset.All, options).Examples.Select(e => e.Text).ToArray();
        int limit = args.GetValue(_limit) ?? corpus.Length;
        if (limit < 1) throw new ArgumentException($"--limit must be at least 1, not {limit}.");
        if (limit < corpus.Length) corpus = corpus[..limit];
        Console.WriteLine($"20 Newsgroups, subset all, cleaned: {corpus.Length:N0} documents, truncated at {maxLength} tokens; " +
            $"vocab {vocabPath}; fastest of {repeat} passes");
        cancel.ThrowIfCancellationRequested();

        Func<string, int> Ours() => text => encoder.Encode(text, maxLength).Length; // thread-safe, so one encoder serves every thread
        Func<string, int> Fast()
        {
            var (ids, mask, types) = (new long[maxLength], new long[maxLength], new long[maxLength]);
            return text => fast.Encode(text, ids, mask, types);
        }
        TokenizerThroughput.WarmUp(corpus, Ours);
        TokenizerThroughput.WarmUp(corpus, Fast);

        int allCores = Environment.ProcessorCount;
        var ratios = new List<string>();
        foreach (int cores in allCores == 1 ? [1] : new[] { 1, allCores })
        {
            TokenizerThroughput? ours = null, peer = null;
            for (int pass = 0; pass < repeat; pass++)
            {
                ours = TokenizerThroughput.Fastest(ours, TokenizerThroughput.Measure("BertNotebooks", corpus, cores, Ours));
                peer = TokenizerThroughput.Fastest(peer, TokenizerThroughput.Measure(Peer, corpus, cores, Fast));
                cancel.ThrowIfCancellationRequested();
            }
            Console.WriteLine(ours);
            Console.WriteLine(peer);
            ratios.Add($"{ours!.DocumentsPerSecond / peer!.DocumentsPerSecond:F2}x on {cores} core{(cores == 1 ? "" : "s")}");
        }

        CompareIds(corpus, encoder, fast, maxLength);
        Console.WriteLine($"ratio BertNotebooks / {Peer}, documents/s: {string.Join(", ", ratios)}");
        return CommandLineHost.Success;
    }

    /// <summary>The CPU (the line every benchmark prints) and the load on it: the
    /// figures mean little without them on a shared machine.</summary>
    static string MachineLine()
    {
        var load = LinuxSpecific.Enabled && File.Exists("/proc/loadavg")
            ? $", load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}"
            : "";
        return $"{Hardware.DetectCpu()}; {Environment.ProcessorCount} cores{load}";
    }

    (BertTextEncoder Encoder, string VocabPath) LoadEncoder(ParseResult args)
    {
        if (args.GetValue(_model) is { } folder) return (BertTextEncoder.FromFolder(folder), Path.Combine(folder, "vocab.txt"));
        if (args.GetValue(_vocab) is { } vocab) return (BertTextEncoder.FromVocab(vocab, doLowerCase: !args.GetValue(_cased)), vocab);
        throw new ArgumentException("bench-tokenize needs --model FOLDER (with vocab.txt) " +
            "or --vocab FILE (add --cased for a cased vocab).");
    }

    static void CompareIds(string[] corpus, BertTextEncoder encoder, BertTokenizer fast, int maxLength)
    {
        var (ids, mask, types) = (new long[maxLength], new long[maxLength], new long[maxLength]);
        int[] Theirs(string text) => [.. ids.AsSpan(0, fast.Encode(text, ids, mask, types)).ToArray().Select(id => (int)id)];

        var differing = new List<(int Document, int Position)>();
        for (int d = 0; d < corpus.Length; d++)
        {
            var (ours, theirs) = (encoder.Encode(corpus[d], maxLength).InputIds, Theirs(corpus[d]));
            int at = 0;
            while (at < Math.Min(ours.Length, theirs.Length) && ours[at] == theirs[at]) at++;
            if (at < ours.Length || at < theirs.Length) differing.Add((d, at));
        }
        Console.WriteLine($"identical ids: {corpus.Length - differing.Count:N0} of {corpus.Length:N0} documents");
        foreach (var (document, position) in differing.Take(10))
        {
            string Around(int[] tokenIds) => encoder.Decode(tokenIds.Skip(Math.Max(0, position - 2)).Take(6), skipSpecialTokens: false);
            Console.WriteLine($"  document {document} differs at token {position}: " +
                $"ours [{Around(encoder.Encode(corpus[document], maxLength).InputIds)}]" +
                $" vs FastBertTokenizer [{Around(Theirs(corpus[document]))}]");
        }
    }
}
