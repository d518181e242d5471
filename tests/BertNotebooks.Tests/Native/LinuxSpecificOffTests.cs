using System.Diagnostics;
using BertNotebooks.Native;

namespace BertNotebooks.Tests.Native;

/// <summary>
/// The smoke recipe in a child process with <c>BERTNB_LINUX_SPECIFIC=off</c>: no mallopt, no /proc reads, LibTorch loaded by
/// TorchSharp itself, as on Windows and macOS. Where the system libstdc++ is too old for TorchSharp's native library
/// (Debian 12), the ELF patch is kept, because nothing loads without it, and the run says so.
/// </summary>
public sealed class LinuxSpecificOffTests : IDisposable
{
    readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [SharedDataFact("20news-bydate.tar.gz")]
    public async Task The_smoke_recipe_runs_with_every_linux_specific_step_off()
    {
        var bertnb = Path.Combine(AppContext.BaseDirectory, "bertnb.dll");
        var start = new ProcessStartInfo("dotnet", [bertnb, "train", "--profile", "smoke", "--run-name", _temp.File("run")])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = _temp.Path,
        };
        start.Environment[LinuxSpecific.EnvironmentVariable] = "off";
        start.Environment["BERTNB_DATA_DIR"] = _temp.File("data");
        if (Environment.GetEnvironmentVariable("BERTNB_20NG") is null)
            start.Environment["BERTNB_20NG"] = Path.Combine(Shared.DataDir, "20news-bydate.tar.gz");
        using var child = Process.Start(start)!;
        var output = child.StandardOutput.ReadToEndAsync();
        var error = child.StandardError.ReadToEndAsync();
        await child.WaitForExitAsync();

        Assert.True(child.ExitCode == 0, $"exit {child.ExitCode}: {await error}");
        var native = (await error).Split('\n').Single(l => l.StartsWith("native: ", StringComparison.Ordinal));
        var patchRequired = OperatingSystem.IsLinux() && TorchNative.EnsureLoaded().WeakenedVersions.Count > 0;
        if (patchRequired) Assert.Contains("BERTNB_LINUX_SPECIFIC=off, but the ELF patch is kept", native);
        else Assert.Equal("native: TorchSharp loaded its native libraries itself.", native.TrimEnd());
        Assert.Contains("accuracy", await output);
        Assert.True(File.Exists(Path.Combine(_temp.File("run"), "metrics.json")));
    }
}
