using System.Diagnostics;
using System.Globalization;
using BertNotebooks.Training;

namespace BertNotebooks.Cli.Commands;

/// <summary>
/// The Trainer on a terminal: a progress bar redrawn in place on stderr (at most 5 times a second), and each log entry
/// printed on its own line. Reported synchronously, on the training thread, so lines never arrive out of order.
/// </summary>
sealed class TrainingConsole : IProgress<TrainerProgress>
{
    readonly Stopwatch _sinceDraw = Stopwatch.StartNew();
    double? _lastLoss;
    bool _barShown;

    public void Report(TrainerProgress p)
    {
        if (_sinceDraw.ElapsedMilliseconds < 200 && p.Step != p.TotalSteps) return;
        _sinceDraw.Restart();
        const int width = 30;
        int filled = (int)Math.Round(p.Fraction * width);
        var eta = p.Step == 0
            ? "?"
            : TimeSpan.FromSeconds(p.Elapsed.TotalSeconds / p.Step * (p.TotalSteps - p.Step)).ToString(@"hh\:mm\:ss");
        var loss = _lastLoss is { } l ? string.Create(CultureInfo.InvariantCulture, $" loss {l:F4}") : "";
        Console.Error.Write(string.Create(CultureInfo.InvariantCulture,
            $"\r{p.Stage,-8} [{new string('#', filled)}{new string('.', width - filled)}] {p.Step}/{p.TotalSteps} " +
            $"epoch {p.Epoch:F2}{loss} eta {eta}   "));
        _barShown = true;
    }

    public void Log(IReadOnlyDictionary<string, double> entry)
    {
        if (entry.TryGetValue("loss", out var loss)) _lastLoss = loss;
        if (_barShown) Console.Error.WriteLine();
        _barShown = false;
        Console.Error.WriteLine(string.Join("  ",
            entry.Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key}={kv.Value:G6}"))));
    }
}
