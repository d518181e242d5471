namespace BertNotebooks.Native;

/// <summary>
/// The one switch for every step that only Linux has: glibc's malloc settings (<see cref="Allocator"/>), the /proc reads
/// (peak memory, the load average, an Arm CPU's model name), and the loading of LibTorch by hand with the ELF patch for an
/// older libstdc++ (<see cref="TorchNative"/>). <c>BERTNB_LINUX_SPECIFIC=off</c> runs a Linux machine as Windows and macOS
/// run: TorchSharp loads its native libraries itself. The one exception is the ELF patch where this system's libstdc++ is
/// too old for TorchSharp's native library (Debian 12): without it nothing loads at all, so it is kept, and the load report
/// says so.
/// </summary>
public static class LinuxSpecific
{
    public const string EnvironmentVariable = "BERTNB_LINUX_SPECIFIC";

    /// <summary>True on Linux unless <c>BERTNB_LINUX_SPECIFIC</c> is off (or 0 or false).</summary>
    public static bool Enabled => OperatingSystem.IsLinux() && !SwitchedOff;

    /// <summary>True where the variable says off, whatever the OS (the load report names it).</summary>
    public static bool SwitchedOff => Environment.GetEnvironmentVariable(EnvironmentVariable)?.Trim().ToLowerInvariant()
        is "off" or "0" or "false";
}
