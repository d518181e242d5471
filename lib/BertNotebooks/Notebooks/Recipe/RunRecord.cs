using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using BertNotebooks.IO;

namespace BertNotebooks.Recipe;

/// <summary>How far a run has come: its data split made (01-data), training begun, or its best model saved (04-training).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RunStage>))]
public enum RunStage { Data, Training, Trained }

/// <summary>
/// <c>run.json</c> in the run folder: what the run is. Every setting (<see cref="RunSettings"/>: dataset, model, every
/// training setting), the hash of its data split and its <see cref="Stage"/>. 01-data starts it (stage Data), 04-training
/// fixes every setting when it starts to train (Training) and completes it (Trained, with the time it trained). The
/// later notebooks, the apps and the CLI read their settings from it (<see cref="RunSettings.Open"/>), and it is the
/// resume check: a run continues from checkpoints only with the settings and split its record names. Versioned, written
/// atomically.
/// </summary>
public sealed record RunRecord
{
    public const string FileName = "run.json";
    public const int CurrentVersion = 1;

    public int Version { get; init; } = CurrentVersion;
    public RunStage Stage { get; init; }
    public required RunSettings Settings { get; init; }
    /// <summary>The sha256 of split.json as 01-data wrote it.</summary>
    public string? SplitHash { get; init; }
    /// <summary>Seconds the Trainer has trained this run: its train_runtime, summed over every resume.</summary>
    public double? TrainRuntime { get; init; }

    /// <summary>Settings that cannot change a run's results: where it runs, and what its folder is called.</summary>
    public static readonly IReadOnlySet<string> Free = new HashSet<string> { nameof(RunSettings.Device), nameof(RunSettings.RunName) };

    /// <summary>What 01-data settles: the dataset, its split and the profile whose sample sizes it took.</summary>
    public static readonly IReadOnlySet<string> DataSettings = new HashSet<string>
    {
        nameof(RunSettings.Profile), nameof(RunSettings.Dataset), nameof(RunSettings.ValidationFraction),
        nameof(RunSettings.MaxTrainDocs), nameof(RunSettings.MaxEvalDocs), nameof(RunSettings.Seed), nameof(RunSettings.SkipBadRows),
    };

    /// <summary>The settings a parameter may no longer change: the data's after 01-data, every one that shapes results
    /// once training began.</summary>
    public bool Fixes(string setting) => Stage == RunStage.Data ? DataSettings.Contains(setting) : !Free.Contains(setting);

    static readonly JsonSerializerOptions Options = new(Json.Indented) { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>The run folder's record, or null where it has none.</summary>
    public static RunRecord? Load(string runDir)
    {
        var path = Path.Combine(runDir, FileName);
        if (!File.Exists(path)) return null;
        RunRecord? record;
        try { record = JsonSerializer.Deserialize<RunRecord>(File.ReadAllText(path), Options); }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{BertPaths.ForDisplay(path)} is not a run record ({e.Message}); " +
                "move it away and run 01-data again.", e);
        }
        if (record is null || record.Version > CurrentVersion)
            throw new InvalidDataException($"{BertPaths.ForDisplay(path)} is a version {record?.Version} run record, " +
                $"newer than this library's {CurrentVersion}: update the checkout, or use another runName.");
        return record;
    }

    public void Save(string runDir) => AtomicFile.WriteJson(Path.Combine(runDir, FileName), this, Options);

    /// <summary>The sha256 of a file's bytes, or null where it does not exist.</summary>
    public static string? HashOf(string path) => File.Exists(path) ? HashOf(File.ReadAllBytes(path)) : null;

    /// <summary>The sha256 of <paramref name="bytes"/>, as the record keeps it (lower-case hex).</summary>
    public static string HashOf(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>Each setting this record fixes that <paramref name="run"/> sets otherwise: (name, recorded, given).</summary>
    public IReadOnlyList<(string Name, object? Recorded, object? Given)> Contradictions(RunSettings run) =>
        Contradictions(RunParameters.Settings.Select(s => (s.Name, s.GetValue(run))));

    IReadOnlyList<(string Name, object? Recorded, object? Given)> Contradictions(IEnumerable<(string Name, object? Value)> given) =>
        [.. given.Where(g => Fixes(g.Name))
            .Select(g => (g.Name, Recorded: typeof(RunSettings).GetProperty(g.Name)!.GetValue(Settings), Given: g.Value))
            .Where(c => !Equals(c.Recorded, c.Given))];

    /// <summary>Throws the contradiction error when <paramref name="run"/> differs from this record where it fixes a setting.</summary>
    public void Require(RunSettings run)
    {
        if (Contradictions(run) is { Count: > 0 } contradictions) throw ContradictionError(run.RunDir, contradictions);
    }

    /// <summary>"maxLength = 64 contradicts …": both values, the record's path and the two ways on.</summary>
    public static ArgumentException ContradictionError(string runDir, IReadOnlyList<(string Name, object? Recorded, object? Given)> found) =>
        new($"{string.Join(", ", found.Select(c => $"{RunParameters.Camel(c.Name)} = {RunParameters.Format(c.Given)}"))} " +
            $"{(found.Count == 1 ? "contradicts" : "contradict")} this run's record, " +
            $"{BertPaths.ForDisplay(Path.Combine(runDir, FileName))}, which says " +
            $"{string.Join(", ", found.Select(c => $"{RunParameters.Camel(c.Name)} {RunParameters.Format(c.Recorded)}"))}. " +
            "Set runName (--run-name) to a new name to keep this run and start another, or start this one over with " +
            "resume = false (--fresh): a finished run is then moved aside, not deleted.");

    /// <summary>
    /// <see cref="RunSettings.Open"/>: the profile's settings, the record's data settings over them while the run has only
    /// its data (or starts over), or the record's every setting once it trained; then the parameters, each checked against
    /// the settings the record fixes. <paramref name="startsRun"/> (01-data, <c>bertnb train</c>) may remake data that
    /// no training used.
    /// </summary>
    internal static RunSettings Resolve(string? profile, string? runName, RunParameters parameters, bool resume, bool startsRun)
    {
        var seriesProfile = SeriesProfile.Resolve(profile).Profile;
        var explicitProfile = string.IsNullOrWhiteSpace(profile) ? null : profile.Trim();
        var runDir = BertPaths.RunDir(string.IsNullOrWhiteSpace(runName) ? RunSettings.For(seriesProfile).Profile : runName);
        var record = Load(runDir);
        var remade = record is null || (startsRun && (record.Stage == RunStage.Data || !resume));
        var settings = remade ? RunSettings.For(seriesProfile)
            : record!.Stage == RunStage.Data || !resume ? WithData(RunSettings.For(explicitProfile ?? record.Settings.Profile), record.Settings)
            : record.Settings;
        settings = settings with { RunName = string.IsNullOrWhiteSpace(runName) ? null : runName };

        var given = parameters.Given.Select(g => (g.Setting.Name, (object?)g.Value)).ToList();
        if (explicitProfile is not null) given.Add((nameof(RunSettings.Profile), RunSettings.For(explicitProfile).Profile));
        if (!remade && resume && record!.Contradictions(given) is { Count: > 0 } contradictions)
            throw ContradictionError(runDir, contradictions);
        foreach (var (setting, value) in parameters.Given) settings = With(settings, setting.Name, value);
        return settings;
    }

    /// <summary><paramref name="settings"/> with the data settings of <paramref name="data"/>.</summary>
    static RunSettings WithData(RunSettings settings, RunSettings data) =>
        DataSettings.Aggregate(settings, (s, name) => With(s, name, typeof(RunSettings).GetProperty(name)!.GetValue(data)));

    static RunSettings With(RunSettings settings, string name, object? value)
    {
        var copy = settings with { };
        typeof(RunSettings).GetProperty(name)!.SetValue(copy, value);
        return copy;
    }

    /// <summary>
    /// Starting over never destroys a finished run: its results (best model, checkpoints, trainer state, metrics, charts,
    /// record) move to <c>NAME.previous-&lt;time&gt;</c> beside the run folder, with a copy of its split, and
    /// <paramref name="log"/> says where. Returns that folder.
    /// </summary>
    public static string SetAside(RunSettings run, IProgress<string> log)
    {
        var runDir = Path.GetFullPath(run.RunDir).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        var aside = $"{runDir}.previous-{DateTime.UtcNow:yyyyMMdd-HHmmss}";
        for (var n = 2; Directory.Exists(aside); n++) aside = $"{runDir}.previous-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{n}";
        Directory.CreateDirectory(aside);
        foreach (var name in new[] { "best-model", "checkpoints", "charts" })
            if (Directory.Exists(Path.Combine(runDir, name))) Directory.Move(Path.Combine(runDir, name), Path.Combine(aside, name));
        foreach (var path in new[] { run.TrainerStatePath, run.MetricsPath, run.RecordPath }.Where(File.Exists))
            File.Move(path, Path.Combine(aside, Path.GetFileName(path)));
        if (File.Exists(run.SplitPath)) File.Copy(run.SplitPath, Path.Combine(aside, Path.GetFileName(run.SplitPath)));
        log.Report($"starting over: the finished run in {BertPaths.ForDisplay(runDir)} is moved to {BertPaths.ForDisplay(aside)}");
        return aside;
    }
}
