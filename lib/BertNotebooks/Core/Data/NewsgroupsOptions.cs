using BertNotebooks.IO;

namespace BertNotebooks.Data;

/// <summary>Where 20 Newsgroups comes from and how it is prepared. The defaults read the <c>BERTNB_</c> variables.</summary>
public sealed record NewsgroupsOptions
{
    /// <summary>
    /// A local <c>20news-bydate.tar.gz</c> (any repack) or the folder it extracts to. When set it is used as is: its layout
    /// is checked, its checksum is not. Defaults to <c>BERTNB_20NG</c>.
    /// </summary>
    public string? LocalSource { get; init; } = Environment.GetEnvironmentVariable("BERTNB_20NG") is { Length: > 0 } path ? path : null;

    /// <summary>Where the official archive is cached (and downloaded to): <see cref="BertPaths.DataDir"/>.</summary>
    public string CacheDirectory { get; init; } = BertPaths.DataDir;

    /// <summary>The official archive's address: <c>BERTNB_20NG_URL</c>, else scikit-learn's mirror.</summary>
    public Uri DownloadUrl { get; init; } = new(Environment.GetEnvironmentVariable("BERTNB_20NG_URL") is { Length: > 0 } url
        ? url
        : Newsgroups.OfficialUrl);

    /// <summary>Whether a missing archive may be downloaded (false: fail and say where to put it).</summary>
    public bool AllowDownload { get; init; } = true;

    /// <summary>
    /// Only these newsgroups (scikit-learn's <c>categories</c>); labels are then renumbered in sorted order. Null: all 20.
    /// </summary>
    public IReadOnlyList<string>? Categories { get; init; }

    public NewsgroupCleaningOptions Cleaning { get; init; } = NewsgroupCleaningOptions.All;

    /// <summary>
    /// What <see cref="Newsgroups.LoadSplits"/> splits: <see cref="NewsgroupsSubset.All"/> (the tutorial's way: both bydate
    /// halves pooled, then train/validation, no test set) or <see cref="NewsgroupsSubset.Train"/> (the bydate training half
    /// split into train/validation, the bydate test half kept as the test set).
    /// </summary>
    public NewsgroupsSubset Subset { get; init; } = NewsgroupsSubset.All;

    /// <summary>The download's progress: one report as it starts, then one per tenth of the archive received.</summary>
    public IProgress<DownloadProgress>? DownloadProgress { get; init; }
}

/// <summary>scikit-learn's <c>subset</c>: the bydate training messages, the later test messages, or both (train first).</summary>
public enum NewsgroupsSubset { Train, Test, All }
