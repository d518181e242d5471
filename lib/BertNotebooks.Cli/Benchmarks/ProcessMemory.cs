namespace BertNotebooks.Cli.Benchmarks;

/// <summary>This process's resident memory from /proc/self/status (Linux): now (VmRSS) and at its peak (VmHWM). Null elsewhere.</summary>
public static class ProcessMemory
{
    public static long? ResidentBytes => Read("VmRSS:");
    public static long? PeakResidentBytes => Read("VmHWM:");

    static long? Read(string field)
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status)) return null;
        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
        var parts = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts is { Length: >= 2 } && long.TryParse(parts[1], out var kib) ? kib * 1024 : null;
    }
}
