using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using System.Text;

namespace BertNotebooks.Native;

/// <summary>
/// The CPU's model name and its bfloat16 features, asked of the CPU itself on every OS: CPUID on x86, sysctl on macOS,
/// the auxiliary vector (AT_HWCAP2) on Linux on Arm. Flags are named as Linux's /proc/cpuinfo names them.
/// </summary>
public static partial class CpuFeatures
{
    public const string Avx512Bf16 = "avx512_bf16", AmxBf16 = "amx_bf16", ArmBf16 = "bf16";

    /// <summary>The model name and the bf16 flags this CPU has (a subset of avx512_bf16, amx_bf16, bf16).</summary>
    public static (string Model, IReadOnlySet<string> Bf16Flags) Detect() => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 or Architecture.X86 when X86Base.IsSupported => (X86BrandString() ?? "unknown x86 CPU", X86Bf16Flags()),
        Architecture.Arm64 when OperatingSystem.IsMacOS() => (SysctlString("machdep.cpu.brand_string") ?? "Apple Silicon",
            SysctlInt("hw.optional.arm.FEAT_BF16") == 1 ? new HashSet<string> { ArmBf16 } : new HashSet<string>()),
        Architecture.Arm64 when OperatingSystem.IsLinux() => (ArmLinuxModel(),
            (AuxVector(AtHwcap2) & Hwcap2Bf16) != 0 ? new HashSet<string> { ArmBf16 } : new HashSet<string>()),
        // Windows on Arm: IsProcessorFeaturePresent has no BF16 feature; the flags stay empty (fp32).
        _ => (Environment.GetEnvironmentVariable("PROCESSOR_IDENTIFIER") ?? RuntimeInformation.ProcessArchitecture.ToString(),
            new HashSet<string>()),
    };

    /// <summary>
    /// Leaf 7: sub-leaf 1 EAX bit 5 is AVX512_BF16, sub-leaf 0 EDX bit 22 is AMX-BF16. AVX-512 BF16 also needs the OS to save
    /// the AVX-512 registers (XCR0's opmask and ZMM state): .NET exposes no XGETBV, but the runtime reads XCR0 itself before it
    /// reports <see cref="Avx512F.IsSupported"/>, so that is the check (DOTNET_EnableAVX512F=0 also turns it off). AMX's tile
    /// state is enabled per process on request (Linux's arch_prctl, which oneDNN makes itself), so CPUID's bit is the flag.
    /// </summary>
    static HashSet<string> X86Bf16Flags()
    {
        var flags = new HashSet<string>(StringComparer.Ordinal);
        if ((uint)X86Base.CpuId(0, 0).Eax < 7) return flags;
        var (maxSubLeaf, _, _, edx) = X86Base.CpuId(7, 0);
        if ((edx & (1 << 22)) != 0) flags.Add(AmxBf16);
        if (maxSubLeaf >= 1 && (X86Base.CpuId(7, 1).Eax & (1 << 5)) != 0 && Avx512F.IsSupported) flags.Add(Avx512Bf16);
        return flags;
    }

    /// <summary>The processor brand string, 48 bytes in the registers of leaves 0x80000002 to 0x80000004.</summary>
    static string? X86BrandString()
    {
        if ((uint)X86Base.CpuId(unchecked((int)0x80000000), 0).Eax < 0x80000004) return null;
        var bytes = new byte[48];
        for (int leaf = 0; leaf < 3; leaf++)
        {
            var (a, b, c, d) = X86Base.CpuId(unchecked((int)0x80000002) + leaf, 0);
            int[] registers = [a, b, c, d];
            for (int r = 0; r < 4; r++) BitConverter.TryWriteBytes(bytes.AsSpan(leaf * 16 + r * 4), registers[r]);
        }
        var brand = Encoding.ASCII.GetString(bytes).TrimEnd('\0').Trim();
        return brand.Length > 0 ? string.Join(' ', brand.Split(' ', StringSplitOptions.RemoveEmptyEntries)) : null;
    }

    // macOS: sysctlbyname in libSystem (reached as libc).
    [LibraryImport("libc", EntryPoint = "sysctlbyname", StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int SysctlByName(string name, void* value, nuint* length, void* newValue, nuint newLength);

    static unsafe int? SysctlInt(string name)
    {
        int value = 0;
        nuint length = sizeof(int);
        try { return SysctlByName(name, &value, &length, null, 0) == 0 ? value : null; }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return null; }
    }

    static unsafe string? SysctlString(string name)
    {
        try
        {
            nuint length = 0;
            if (SysctlByName(name, null, &length, null, 0) != 0 || length == 0) return null;
            var buffer = new byte[(int)length];
            fixed (byte* start = buffer)
                if (SysctlByName(name, start, &length, null, 0) != 0) return null;
            return Encoding.UTF8.GetString(buffer, 0, (int)length).TrimEnd('\0').Trim();
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return null; }
    }

    // Linux on Arm: getauxval(AT_HWCAP2) & HWCAP2_BF16 (asm/hwcap.h).
    const nuint AtHwcap2 = 26, Hwcap2Bf16 = 1 << 14;

    [LibraryImport("libc", EntryPoint = "getauxval")]
    private static partial nuint GetAuxVal(nuint type);

    static nuint AuxVector(nuint type)
    {
        try { return GetAuxVal(type); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { return 0; }
    }

    /// <summary>Arm CPUs have no brand string; Linux's /proc/cpuinfo sometimes has a model name, read only where it exists.</summary>
    static string ArmLinuxModel()
    {
        const string cpuinfo = "/proc/cpuinfo";
        if (LinuxSpecific.Enabled && File.Exists(cpuinfo))
        {
            var line = File.ReadLines(cpuinfo).FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal)
                || l.StartsWith("Hardware", StringComparison.Ordinal));
            if (line?.IndexOf(':') is int colon and >= 0 && line[(colon + 1)..].Trim() is { Length: > 0 } model) return model;
        }
        return "Arm64 CPU";
    }
}
