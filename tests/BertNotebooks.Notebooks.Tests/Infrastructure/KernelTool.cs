using System.Diagnostics;

namespace BertNotebooks.Notebooks.Tests.Infrastructure;

/// <summary>
/// The notebook kernel users run: the <c>Microsoft.dotnet-interactive</c> tool pinned in <c>.config/dotnet-tools.json</c>
/// (<c>dotnet tool restore</c> brings it; <c>.ci/run</c> does). VS Code's Polyglot Notebooks drives it over
/// <c>stdio</c>; Jupyter starts it through the kernelspec that <c>dotnet interactive jupyter install</c> writes.
/// </summary>
public static class KernelTool
{
    static readonly Lazy<string?> Missing = new(FindProblem);

    /// <summary>Why the tool cannot run here (with the fix), or null when it can.</summary>
    public static string? Problem => Missing.Value;

    /// <summary>
    /// A <c>dotnet</c> process for the tool, run from <paramref name="workingDir"/> (inside the checkout, so the manifest is found).
    /// </summary>
    public static ProcessStartInfo StartInfo(string workingDir, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDir,
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        start.ArgumentList.Add("dotnet-interactive");
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        return start;
    }

    static string? FindProblem()
    {
        try
        {
            using var process = Process.Start(StartInfo(NotebookHarness.RepositoryRoot, "--version"))!;
            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
            {
                process.Kill(entireProcessTree: true);
                return "`dotnet dotnet-interactive --version` hung.";
            }
            return process.ExitCode == 0
                ? null
                : $"The notebook kernel is not installed ({output.Trim()}). Run `dotnet tool restore` in the repository root.";
        }
        catch (Exception e)
        {
            return $"Could not start the notebook kernel ({e.Message}). Run `dotnet tool restore` in the repository root.";
        }
    }
}

/// <summary>
/// Runs where the kernel tool and a 20 Newsgroups archive are; skipped with the fix elsewhere, and failing under
/// CI=true (where a missing kernel must not pass unnoticed).
/// </summary>
public sealed class KernelFactAttribute : FactAttribute
{
    public KernelFactAttribute()
    {
        if (Chromium.IsCi) return;
        Skip = KernelTool.Problem ?? new NewsgroupsFactAttribute().Skip;
    }
}
