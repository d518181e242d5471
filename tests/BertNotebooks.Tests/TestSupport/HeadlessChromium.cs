using System.Diagnostics;

namespace BertNotebooks.Tests.TestSupport;

/// <summary>
/// Headless Chromium (Debian's <c>chromium</c>, or Chrome; <c>BERTNB_CHROMIUM</c> names another), for the browser
/// sample's test: it opens a page, lets its scripts run, and returns the DOM as it then is.
/// </summary>
public static class HeadlessChromium
{
    static readonly string[] Names = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];

    public static string? Executable { get; } = Environment.GetEnvironmentVariable("BERTNB_CHROMIUM") is { Length: > 0 } set
        ? set
        : Names.SelectMany(n => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(dir => Path.Combine(dir, n)))
            .FirstOrDefault(File.Exists);

    /// <summary>
    /// The DOM of <paramref name="page"/> once its scripts are done: Chromium's virtual time runs the page's timers and
    /// waits for its network requests, up to <paramref name="virtualTimeBudget"/>; the page itself has two minutes.
    /// </summary>
    public static async Task<string> DumpDomAsync(Uri page, TimeSpan virtualTimeBudget)
    {
        var exe = Executable
            ?? throw new InvalidOperationException("Chromium is not installed: apt-get install -y chromium (or set BERTNB_CHROMIUM).");
        var profile = Directory.CreateTempSubdirectory("bertnb-chromium-");
        try
        {
            var start = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var flag in (string[])["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
                         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                         $"--user-data-dir={profile.FullName}", $"--virtual-time-budget={(int)virtualTimeBudget.TotalMilliseconds}",
                         "--dump-dom", page.AbsoluteUri])
                start.ArgumentList.Add(flag);
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
                throw new TimeoutException($"Chromium did not finish with {page} in 2 minutes. stderr: {await stderr}");
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
