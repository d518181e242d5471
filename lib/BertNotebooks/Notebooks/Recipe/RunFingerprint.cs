using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using BertNotebooks.IO;

namespace BertNotebooks.Recipe;

/// <summary>
/// What a run's checkpoints were made with: every setting that shapes training (learning rate, max length, model,
/// dataset, seed, …) and a hash of the data split. A run resumes only from checkpoints with the same fingerprint, so
/// "try another learning rate" can never silently reload the finished run. Saved beside the checkpoints.
/// </summary>
public sealed record RunFingerprint(IReadOnlyDictionary<string, string> Values)
{
    public const string FileName = "run-fingerprint.json";

    /// <summary>Settings that do not change what is trained: where it runs and what the run folder is called.</summary>
    static readonly HashSet<string> Ignored = [nameof(RunSettings.Profile), nameof(RunSettings.RunName), nameof(RunSettings.Device)];

    public static RunFingerprint Of(RunSettings run)
    {
        var values = typeof(RunSettings).GetProperties()
            .Where(p => p.CanWrite && !Ignored.Contains(p.Name))
            .ToDictionary(p => p.Name, p => Format(p.GetValue(run)));
        values["split"] = File.Exists(run.SplitPath) ? Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(run.SplitPath))) : "none";
        return new RunFingerprint(values);
    }

    static string Format(object? value) => value switch
    {
        null => "null",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>"LearningRate 0.0002 → 0.002", one per changed setting; empty when the two match.</summary>
    public IReadOnlyList<string> ChangesSince(RunFingerprint saved) =>
        [.. Values.Keys.Union(saved.Values.Keys).Order(StringComparer.Ordinal)
            .Where(k => saved.Values.GetValueOrDefault(k) != Values.GetValueOrDefault(k))
            .Select(k => k == "split"
                ? "the data split"
                : $"{k} {saved.Values.GetValueOrDefault(k, "unset")} → {Values.GetValueOrDefault(k, "unset")}")];

    public void Save(string checkpointsDir) => AtomicFile.WriteJson(Path.Combine(checkpointsDir, FileName), Values, Json.Indented);

    /// <summary>The fingerprint saved with the checkpoints, or null where there is none (checkpoints of an older version).</summary>
    public static RunFingerprint? Load(string checkpointsDir)
    {
        var path = Path.Combine(checkpointsDir, FileName);
        return File.Exists(path)
            ? new RunFingerprint(JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(path))!)
            : null;
    }
}
