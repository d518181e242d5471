using System.Globalization;
using System.Text;
using System.Text.Json;
using BertNotebooks.IO;

namespace BertNotebooks.Runner;

/// <summary>summary.json beside the executed notebooks, and the same as a table for the console.</summary>
public static class RunSummary
{
    static readonly JsonSerializerOptions CamelCase = new(Json.Indented) { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <param name="PeakMb">the largest resident size (the OS's high-water mark) of the process that ran the notebook, when it
    /// ended, in MB (10⁶ bytes): the notebook's own process, or with <c>--one-process</c> the run's so far (where it rises, that
    /// notebook set a new peak); null where the OS keeps none (macOS)</param>
    public sealed record Entry(string Notebook, string Status, double Seconds, int CellsRun, int? FailedCell, string? Error,
        string? Output, string? Html, double? PeakMb = null)
    {
        /// <summary>The peak as the tables show it ("3,015 MB"), empty where there is none.</summary>
        public string PeakText => PeakMb is { } mb ? mb.ToString("#,0", CultureInfo.InvariantCulture) + " MB" : "";
    }

    /// <summary>One entry per notebook asked for: those after a failure are "not run".</summary>
    public static IReadOnlyList<Entry> Entries(IReadOnlyList<string> notebookPaths, IReadOnlyList<NotebookResult> results) =>
        [.. notebookPaths.Select((path, i) => i < results.Count
            ? new Entry(results[i].Notebook, results[i].Status, Math.Round(results[i].Duration.TotalSeconds, 2), results[i].CellsRun,
                results[i].FailedCell is { CellNumber: > 0 } cell ? cell.CellNumber : null, results[i].FailedCell?.Error, results[i].OutputPath, results[i].HtmlPath,
                results[i].PeakMemoryBytes is long peak ? Math.Round(peak / 1e6) : null)
            : new Entry(Path.GetFileNameWithoutExtension(path), "not run", 0, 0, null, null, null, null))];

    public static string Write(string outputDir, IReadOnlyList<Entry> entries, string? profile)
    {
        var path = Path.Combine(outputDir, "summary.json");
        AtomicFile.WriteJson(path, new { profile, notebooks = entries }, CamelCase);
        return path;
    }

    public static string Table(IReadOnlyList<Entry> entries)
    {
        var width = Math.Max("notebook".Length, entries.Max(e => e.Notebook.Length));
        var statusWidth = Math.Max("status".Length, entries.Max(e => e.Status.Length));
        var table = new StringBuilder();
        table.AppendLine($"{"notebook".PadRight(width)}  {"status".PadRight(statusWidth)} {"time",9}  {"peak memory",11}  cells");
        foreach (var e in entries)
        {
            var time = e.Status == "not run" ? "" : e.Seconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";
            var stopped = e.FailedCell is { } cell ? $"  (stopped at cell {cell})" : "";
            table.AppendLine($"{e.Notebook.PadRight(width)}  {e.Status.PadRight(statusWidth)} {time,9}  {e.PeakText,11}  {e.CellsRun}{stopped}");
        }
        var largest = entries.Where(e => e.PeakMb is not null).MaxBy(e => e.PeakMb);
        table.Append($"{"total".PadRight(width)}  {"".PadRight(statusWidth)} " +
            $"{entries.Sum(e => e.Seconds).ToString("0.0", CultureInfo.InvariantCulture) + " s",9}  {largest?.PeakText,11}");
        return table.ToString();
    }
}
