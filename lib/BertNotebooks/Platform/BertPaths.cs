namespace BertNotebooks;

/// <summary>
/// Every folder the kit reads or writes, each overridable by a <c>BERTNB_</c> environment variable (listed in the README).
/// </summary>
public static class BertPaths
{
    /// <summary>The git-ignored cache: archives, converted pretrained models, runs. <c>BERTNB_DATA_DIR</c>.</summary>
    public static string DataDir => Environment.GetEnvironmentVariable("BERTNB_DATA_DIR") is { Length: > 0 } dir
        ? Path.GetFullPath(dir)
        : Path.Combine(RepositoryRoot ?? Directory.GetCurrentDirectory(), "data");

    /// <summary>Converted and downloaded pretrained models. <c>BERTNB_MODELS_DIR</c>, else <c>data/models</c>.</summary>
    public static string ModelsDir => Environment.GetEnvironmentVariable("BERTNB_MODELS_DIR") is { Length: > 0 } dir
        ? Path.GetFullPath(dir)
        : Path.Combine(DataDir, "models");

    /// <summary>One folder per run (profile), where the notebooks hand files to each other.</summary>
    public static string RunDir(string runName) => Path.Combine(DataDir, "runs", runName);

    /// <summary>
    /// Where relative paths a user typed (a dataset) start: <c>BERTNB_WORKING_DIR</c>, which <c>bertnb-run</c> sets to the
    /// folder it was started in (its notebooks run in notebooks/), else the current directory.
    /// </summary>
    public static string WorkingDir => Environment.GetEnvironmentVariable("BERTNB_WORKING_DIR") is { Length: > 0 } dir
        ? Path.GetFullPath(dir)
        : Directory.GetCurrentDirectory();

    /// <summary><paramref name="path"/> made absolute against <see cref="WorkingDir"/>.</summary>
    public static string UserPath(string path) => Path.GetFullPath(path, WorkingDir);

    /// <summary>
    /// The checkout this code runs from: the nearest folder up from here or from the library that holds BertNotebooks.sln.
    /// </summary>
    public static string? RepositoryRoot =>
        FindUp(Directory.GetCurrentDirectory()) ?? FindUp(AppContext.BaseDirectory)
            ?? FindUp(Path.GetDirectoryName(typeof(BertPaths).Assembly.Location));

    static string? FindUp(string? start)
    {
        for (var dir = start is null ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "BertNotebooks.sln"))) return dir.FullName;
        return null;
    }
}
