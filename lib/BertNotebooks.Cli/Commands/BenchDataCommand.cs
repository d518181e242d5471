using System.CommandLine;
using System.Diagnostics;
using BertNotebooks.Data;
using BertNotebooks.Hosting;

namespace BertNotebooks.Cli.Commands;

/// <summary>Times reading all of 20 Newsgroups from its archive, raw and cleaned: the cost 01-data pays on every run.</summary>
public sealed class BenchDataCommand : ICliCommand
{
    readonly Option<string?> _source = CommandLineHost.Typed<string?>("--source",
        "The 20 Newsgroups archive (default: the cache, a local copy or a download)");
    readonly Option<int> _repeat = CommandLineHost.Defaulted("--repeat", "Timed passes of each kind; the best counts", 3);

    public Command Create()
    {
        var command = new Command("bench-data", "Time loading 20 Newsgroups (subset all), raw and cleaned") { _source, _repeat };
        command.SetAction((result, cancel) => Task.FromResult(Run(result, cancel)));
        return command;
    }

    int Run(ParseResult args, CancellationToken cancel)
    {
        var options = new NewsgroupsOptions();
        if (args.GetValue(_source) is { } source) options = options with { LocalSource = source };
        var repeat = args.GetValue(_repeat);
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
        Console.WriteLine($"read + decode + clean: {cleaned.Seconds:F3} s (best of {repeat}); " +
            $"cleaning adds {cleaned.Seconds - raw.Seconds:F3} s");
        return CommandLineHost.Success;
    }

    static (TextDataset Data, double Seconds) Faster((TextDataset Data, double Seconds) best, Func<TextDataset> load)
    {
        var watch = Stopwatch.StartNew();
        var data = load();
        var seconds = watch.Elapsed.TotalSeconds;
        return seconds < best.Seconds ? (data, seconds) : best;
    }
}
