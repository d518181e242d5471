namespace BertNotebooks.Tests.TestSupport;

/// <summary>
/// The read-only reference files in ../shared: fixtures (<c>BERTNB_FIXTURES_DIR</c>) and data (<c>BERTNB_SHARED_DATA_DIR</c>).
/// Tests that need them are skipped with the reason where they are absent, and fail under <c>CI=true</c>.
/// </summary>
public static class Shared
{
    public static string FixturesDir => Dir("BERTNB_FIXTURES_DIR", "fixtures");
    public static string DataDir => Dir("BERTNB_SHARED_DATA_DIR", "data");

    public static string Fixture(string name) => Require(Path.Combine(FixturesDir, name), "BERTNB_FIXTURES_DIR");
    public static string Data(string name) => Require(Path.Combine(DataDir, name), "BERTNB_SHARED_DATA_DIR");

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Null when the file exists; otherwise why a test that needs it cannot run.</summary>
    public static string? MissingReason(string variable, string subfolder, string name)
    {
        var path = Path.Combine(Dir(variable, subfolder), name);
        return File.Exists(path) || Directory.Exists(path) ? null : $"{path} is absent; set {variable} to the shared {subfolder} folder.";
    }

    static string Dir(string variable, string subfolder) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } dir
            ? dir
            : Path.Combine(BertPaths.RepositoryRoot ?? ".", "..", "shared", subfolder);

    static string Require(string path, string variable) =>
        File.Exists(path) || Directory.Exists(path) ? path : throw new FileNotFoundException($"{path} is missing; set {variable}.", path);
}

/// <summary>A fact that needs a file from ../shared/fixtures: skipped with the reason where it is absent, unless CI=true.</summary>
public sealed class FixtureFactAttribute : FactAttribute
{
    public FixtureFactAttribute(string fixture)
    {
        if (!Shared.IsCi && Shared.MissingReason("BERTNB_FIXTURES_DIR", "fixtures", fixture) is { } reason) Skip = reason;
    }
}

/// <summary>A fact that needs a file from ../shared/data: skipped with the reason where it is absent, unless CI=true.</summary>
public sealed class SharedDataFactAttribute : FactAttribute
{
    public SharedDataFactAttribute(string file)
    {
        if (!Shared.IsCi && Shared.MissingReason("BERTNB_SHARED_DATA_DIR", "data", file) is { } reason) Skip = reason;
    }
}

/// <summary><see cref="FixtureFactAttribute"/> for a theory.</summary>
public sealed class FixtureTheoryAttribute : TheoryAttribute
{
    public FixtureTheoryAttribute(string fixture)
    {
        if (!Shared.IsCi && Shared.MissingReason("BERTNB_FIXTURES_DIR", "fixtures", fixture) is { } reason) Skip = reason;
    }
}
