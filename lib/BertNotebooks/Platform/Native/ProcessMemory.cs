namespace BertNotebooks.Native;

/// <summary>
/// This process's resident memory now and at its peak: VmRSS and VmHWM from /proc/self/status on Linux, the working set
/// and its peak on Windows; the peak is null where the OS does not keep it (macOS, or Linux with BERTNB_LINUX_SPECIFIC=off).
/// </summary>
public static class ProcessMemory
{
    public static long? ResidentBytes => LinuxSpecific.Enabled ? Read("VmRSS:") : Environment.WorkingSet;

    public static long? PeakResidentBytes => LinuxSpecific.Enabled ? Read("VmHWM:")
        : OperatingSystem.IsWindows() ? System.Diagnostics.Process.GetCurrentProcess().PeakWorkingSet64 : null;

    static long? Read(string field)
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status)) return null;
        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
        var parts = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts is { Length: >= 2 } && long.TryParse(parts[1], out var kib) ? kib * 1024 : null;
    }
}
