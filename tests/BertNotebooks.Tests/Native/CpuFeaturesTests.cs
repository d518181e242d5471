using BertNotebooks.Native;

namespace BertNotebooks.Tests.Native;

/// <summary>The CPU's bf16 flags asked of the CPU (CPUID, sysctl, HWCAP2) against what Linux reports, where Linux reports.</summary>
public sealed class CpuFeaturesTests
{
    const string CpuInfo = "/proc/cpuinfo";

    [Fact]
    public void The_bf16_flags_from_the_cpu_equal_those_in_proc_cpuinfo()
    {
        if (!File.Exists(CpuInfo)) return; // nothing to compare with on Windows and macOS; the detection still runs below
        var block = File.ReadLines(CpuInfo).TakeWhile(l => l.Length > 0).ToList(); // the first processor's block
        var line = block.FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal)
            || l.StartsWith("Features", StringComparison.Ordinal));
        Assert.NotNull(line);
        var linux = line[(line.IndexOf(':') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);

        var (_, flags) = CpuFeatures.Detect();

        foreach (var flag in Hardware.Bf16CpuFlags)
            Assert.True(linux.Contains(flag) == flags.Contains(flag),
                $"{flag}: /proc/cpuinfo says {(linux.Contains(flag) ? "present" : "absent")}, the CPU says " +
                $"{(flags.Contains(flag) ? "present" : "absent")}");
    }

    [Fact]
    public void The_model_name_is_the_cpus_own()
    {
        var (model, flags) = CpuFeatures.Detect();
        Assert.False(string.IsNullOrWhiteSpace(model));
        Assert.Equal(model.Trim(), model);
        Assert.All(flags, f => Assert.Contains(f, Hardware.Bf16CpuFlags));
        // Not compared with /proc/cpuinfo's model name: Linux reads the brand string once at boot, and a virtual machine's can
        // differ since (this machine's kernel says "AMD EPYC", its CPUID "Oxide Virtual Turin-like Processor").
        if (System.Runtime.Intrinsics.X86.X86Base.IsSupported) Assert.NotEqual("unknown x86 CPU", model);
    }

    [Fact]
    public void Hardware_reports_what_the_cpu_says()
    {
        var hardware = Hardware.DetectCpu();
        var (model, flags) = CpuFeatures.Detect();
        Assert.Equal(model, hardware.Model);
        Assert.Equal(Hardware.Bf16CpuFlags.Where(flags.Contains), hardware.Bf16Flags);
        Assert.StartsWith($"CPU: {model}; bf16 flags: ", hardware.ToString());
    }
}
