using System.Diagnostics;

namespace BertNotebooks.Tests.TestSupport;

/// <summary>
/// Another process, alive until disposed (a <c>sleep</c>, or PowerShell's on Windows), or the id of one that has ended: the two kinds of lock holder.
/// </summary>
public sealed class LiveProcess : IDisposable
{
    readonly Process _process = Process.Start(OperatingSystem.IsWindows()
        ? new ProcessStartInfo("powershell", ["-NoProfile", "-Command", "Start-Sleep 300"]) { UseShellExecute = false }
        : new ProcessStartInfo("sleep", "300") { UseShellExecute = false })!;

    public int Id => _process.Id;

    /// <summary>The id of a process that ran and has exited.</summary>
    public static int Ended()
    {
        using var done = Process.Start(OperatingSystem.IsWindows()
            ? new ProcessStartInfo("cmd", ["/c", "exit 0"]) { UseShellExecute = false }
            : new ProcessStartInfo("true") { UseShellExecute = false })!;
        done.WaitForExit();
        return done.Id;
    }

    public void Dispose()
    {
        _process.Kill();
        _process.WaitForExit();
        _process.Dispose();
    }
}
