using System.Diagnostics;
using BertNotebooks.Data;

namespace BertNotebooks.Cli.Commands;

/// <summary>Times reading all of 20 Newsgroups from its archive, raw and cleaned: the cost 01-data pays on every run.</summary>
public sealed class BenchDataCommand : ICliCommand
{
    public string Name => "bench-data";
    public string Summary => "time loading 20 Newsgroups (subset all), raw and cleaned [--source PATH] [--repeat N]";

    public Task<int> RunAsync(CliArguments args, CancellationToken cancel)
    {
        var options = new NewsgroupsOptions();
        if (args.String("source") is { } source) options = options with { LocalSource = source };
        var repeat = args.Int("repeat", 3);
        Console.WriteLine($"source: {Newsgroups.ResolveSource(options)}");

        // Interleaved, so that warm-up and other load on the machine fall on both alike.
        (TextDataset Data, double Seconds) raw = (null!, double.MaxValue), cleaned = (null!, double.MaxValue);
        for (var i = 0; i < repeat && !cancel.IsCancellationRequested; i++)
        {
            raw = Faster(raw, () => Newsgroups.Load(NewsgroupsSubset.All, options with { Cleaning = NewsgroupCleaningOptions.None }));
            cleaned = Faster(cleaned, () => Newsgroups.Load(NewsgroupsSubset.All, options));
        }
        cancel.ThrowIfCancellationRequested();
        Console.WriteLine($"messages: {raw.Data.Count}, raw characters: {raw.Data.Examples.Sum(e => (long)e.Text.Length):N0}, " +
            $"cleaned characters: {cleaned.Data.Examples.Sum(e => (long)e.Text.Length):N0}");
        Console.WriteLine($"read + decode (raw):   {raw.Seconds:F3} s (best of {repeat})");
        Console.WriteLine($"read + decode + clean: {cleaned.Seconds:F3} s (best of {repeat}); cleaning adds {cleaned.Seconds - raw.Seconds:F3} s");
        return Task.FromResult(0);
    }

    static (TextDataset Data, double Seconds) Faster((TextDataset Data, double Seconds) best, Func<TextDataset> load)
    {
        var watch = Stopwatch.StartNew();
        var data = load();
        var seconds = watch.Elapsed.TotalSeconds;
        return seconds < best.Seconds ? (data, seconds) : best;
    }
}
