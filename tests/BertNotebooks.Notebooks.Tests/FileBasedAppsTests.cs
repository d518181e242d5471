using System.Diagnostics;
using BertNotebooks.Notebooks.Tests.Infrastructure;
using Xunit.Abstractions;

namespace BertNotebooks.Notebooks.Tests;

/// <summary>
/// The seven lessons as file-based apps (notebooks/apps), run as a user runs them: <c>dotnet run notebooks/apps/NN.cs</c>
/// from the repository root, each in a fresh process, in order (one theory row each, so CI counts seven), in the smoke
/// profile, into one temp run folder. Each app's time goes to the test log.
/// </summary>
public sealed class FileBasedAppsTests(FileBasedAppsTests.RunFolder run, ITestOutputHelper log)
    : IClassFixture<FileBasedAppsTests.RunFolder>
{
    static readonly TimeSpan AppTimeout = TimeSpan.FromMinutes(10);
    static string AppsDir => Path.Combine(NotebookHarness.RepositoryRoot, "notebooks", "apps");

    /// <summary>The app names in order; enumerated when the theory runs, so that its rows run in this order.</summary>
    public static TheoryData<string> Apps
    {
        get
        {
            var apps = new TheoryData<string>();
            foreach (var app in Directory.GetFiles(AppsDir, "*.cs").Order(StringComparer.Ordinal)) apps.Add(Path.GetFileName(app));
            return apps;
        }
    }

    [NewsgroupsTheory]
    [MemberData(nameof(Apps), DisableDiscoveryEnumeration = true)]
    public async Task The_app_runs_in_the_smoke_profile(string app)
    {
        var clock = Stopwatch.StartNew();
        var (exitCode, output) = await RunAsync(Path.Combine(AppsDir, app), "--profile", "smoke", "--run-name", run.Path);
        log.WriteLine($"{app}: exit {exitCode} in {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(exitCode == 0, $"{app} exited with {exitCode}; the end of its output:\n{output[Math.Max(0, output.Length - 4000)..]}");
    }

    static async Task<(int, string)> RunAsync(string app, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = NotebookHarness.RepositoryRoot,
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
        };
        foreach (var argument in (string[])["run", app, "--", .. arguments]) start.ArgumentList.Add(argument);
        // The converted MiniLM is a cache like any user's; the run itself stays in the temp folder.
        start.Environment["BERTNB_MODELS_DIR"] = Path.Combine(NotebookHarness.RepositoryRoot, "data", "models");
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(AppTimeout);
        try { await process.WaitForExitAsync(limit.Token); }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, $"timed out after {AppTimeout}\n{await stdout}{await stderr}");
        }
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>The run folder the seven apps share (01's split feeds 02-05, 04's model feeds 05, 06 and 07), deleted at the end.</summary>
    public sealed class RunFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("bertnb-apps-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
