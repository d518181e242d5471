using System.Diagnostics;

namespace BertNotebooks.Notebooks.Tests.Infrastructure;

/// <summary>Headless Chromium (Debian's <c>chromium</c> package), to check that exported pages really draw their charts.</summary>
public static class Chromium
{
    static readonly string[] Names = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"];

    /// <summary>Where Chrome installs itself on Windows and macOS (not on the PATH there; GitHub's runners have it).</summary>
    static readonly string[] InstallPaths =
    [
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ProgramFiles), "Google", "Chrome", "Application", "chrome.exe"),
        Path.Combine("/Applications", "Google Chrome.app", "Contents", "MacOS", "Google Chrome"),
        Path.Combine("/Applications", "Chromium.app", "Contents", "MacOS", "Chromium"),
    ];

    public static string? Executable { get; } = Environment.GetEnvironmentVariable("BERTNB_CHROMIUM") is { Length: > 0 } set
        ? set
        : Names.SelectMany(n => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
                .Where(dir => dir.Length > 0)
                .Select(dir => Path.Combine(dir, OperatingSystem.IsWindows() ? n + ".exe" : n)))
            .Concat(InstallPaths)
            .FirstOrDefault(File.Exists);

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Opens <paramref name="page"/> without network, lets its scripts run, and returns the DOM as it then is.</summary>
    public static Task<string> DumpDomAsync(string page) => RunAsync("--dump-dom", page);

    /// <summary>Saves a picture of <paramref name="page"/> to <paramref name="png"/>.</summary>
    public static Task<string> ScreenshotAsync(string page, string png) => RunAsync($"--screenshot={png}", "--window-size=1200,1600", page);

    static async Task<string> RunAsync(params string[] arguments)
    {
        var exe = Executable
            ?? throw new InvalidOperationException("Chromium is not installed: apt-get install -y chromium (or set BERTNB_CHROMIUM).");
        var profile = Directory.CreateTempSubdirectory("bertnb-chromium-");
        try
        {
            var start = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var flag in (string[])["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                         $"--user-data-dir={profile.FullName}", "--virtual-time-budget=5000"])
                start.ArgumentList.Add(flag);
            foreach (var argument in arguments[..^1]) start.ArgumentList.Add(argument);
            start.ArgumentList.Add(new Uri(Path.GetFullPath(arguments[^1])).AbsoluteUri);

            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            try
            {
                await process.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"Chromium did not finish with {arguments[^1]} in 2 minutes. stderr: {await stderr}");
            }
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"Chromium exited with {process.ExitCode}. stderr: {await stderr}");
            return await stdout;
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }
}

/// <summary>A fact that needs Chromium: skipped with the reason where it is absent, unless CI=true (then it fails).</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (Chromium.Executable is null && !Chromium.IsCi)
            Skip = "Chromium is not installed (apt-get install -y chromium, or set BERTNB_CHROMIUM); .ci/run installs it.";
    }
}
