using System.Text.RegularExpressions;

namespace BertNotebooks.Training;

/// <summary>The checkpoint-&lt;step&gt; folders of an output folder: finding the latest, and HF's rotation under SaveTotalLimit.</summary>
public static partial class CheckpointFolders
{
    public const string Prefix = "checkpoint-";

    [GeneratedRegex(@"^checkpoint-(\d+)$")]
    private static partial Regex CheckpointName();

    /// <summary>The checkpoint folders in <paramref name="outputDir"/>, oldest (lowest
    /// step) first. Temp folders of unfinished saves are not listed.</summary>
    public static IReadOnlyList<string> List(string outputDir) =>
        !Directory.Exists(outputDir) ? [] :
        Directory.GetDirectories(outputDir)
            .Select(d => (path: Path.GetFullPath(d), match: CheckpointName().Match(Path.GetFileName(d))))
            .Where(d => d.match.Success)
            .OrderBy(d => long.Parse(d.match.Groups[1].Value))
            .Select(d => d.path)
            .ToList();

    /// <summary>A checkpoint folder, or "latest" for the one with the highest step in <paramref name="outputDir"/>.</summary>
    public static string Resolve(string checkpoint, string outputDir)
    {
        if (string.Equals(checkpoint, "latest", StringComparison.OrdinalIgnoreCase))
            return List(outputDir).LastOrDefault()
                ?? throw new DirectoryNotFoundException($"No {Prefix}<step> folder in {Path.GetFullPath(outputDir)} to resume from; " +
                    "train without resume first, or pass a checkpoint folder.");
        if (!Directory.Exists(checkpoint))
            throw new DirectoryNotFoundException($"Checkpoint folder {Path.GetFullPath(checkpoint)} does not exist; " +
                $"pass a {Prefix}<step> folder or \"latest\".");
        return Path.GetFullPath(checkpoint);
    }

    /// <summary>
    /// Deletes the oldest checkpoints beyond <paramref name="saveTotalLimit"/>, never the best one: as HF's _rotate_checkpoints,
    /// the best is moved just before the newest, and a limit of 1 keeps 2 when the best is not the newest.
    /// </summary>
    public static void Rotate(string outputDir, int? saveTotalLimit, string? bestModelCheckpoint)
    {
        if (saveTotalLimit is not { } limit) return;
        var sorted = List(outputDir).ToList();
        var best = bestModelCheckpoint is null ? null : Path.GetFullPath(bestModelCheckpoint);
        int bestIndex = best is null ? -1 : sorted.IndexOf(best);
        if (bestIndex >= 0)
            for (int i = bestIndex; i < sorted.Count - 2; i++) (sorted[i], sorted[i + 1]) = (sorted[i + 1], sorted[i]);
        if (limit == 1 && bestIndex >= 0 && sorted[^1] != best) limit = 2;
        foreach (var old in sorted.Take(Math.Max(0, sorted.Count - limit))) Directory.Delete(old, recursive: true);
    }
}
