namespace BertNotebooks.Recipe;

/// <summary>
/// One profile for the whole notebook series, set once rather than in six parameters cells. In order, the first that
/// is set wins: the notebook's own <c>profile</c> parameter (the runner's <c>--profile</c> injects it), the
/// <c>BERTNB_PROFILE</c> environment variable, the first word of <c>notebooks/profile.txt</c>, then "quick".
/// </summary>
public static class SeriesProfile
{
    public const string EnvironmentVariable = "BERTNB_PROFILE";
    public const string FileName = "profile.txt";
    public const string Default = "quick";

    /// <summary>The profile to use and where it came from, e.g. ("smoke", "BERTNB_PROFILE").</summary>
    public static (string Profile, string Source) Resolve(string? parameter, string? notebooksDir = null)
    {
        if (!string.IsNullOrWhiteSpace(parameter)) return (parameter.Trim(), "the notebook's parameter");
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment)) return (fromEnvironment.Trim(), EnvironmentVariable);
        var file = Path.GetFullPath(Path.Combine(notebooksDir ?? Directory.GetCurrentDirectory(), FileName));
        if (File.Exists(file) && ReadFile(file) is { } fromFile) return (fromFile, file);
        return (Default, "the default");
    }

    /// <summary>The first word outside '#' comments, or null for a file with none.</summary>
    internal static string? ReadFile(string path) =>
        File.ReadLines(path)
            .Select(line => line.Split('#', 2)[0].Trim())
            .FirstOrDefault(line => line.Length > 0)?
            .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0];
}
