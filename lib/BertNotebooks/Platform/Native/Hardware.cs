using System.Diagnostics;
using System.Globalization;
using TorchSharp;

namespace BertNotebooks.Native;

/// <summary>
/// What a device offers for bfloat16: the CPU's model and bf16 flags (asked of the CPU: <see cref="CpuFeatures"/>; null where
/// unknown) or the GPU's compute capability (from nvidia-smi; null when it cannot be read). The input of
/// <see cref="Training.PrecisionChoice.Choose"/>.
/// </summary>
public sealed record Hardware(bool IsCuda, string Model, IReadOnlySet<string>? CpuFlags, Version? CudaCapability)
{
    /// <summary>The CPU flags that mean bfloat16 units: AVX512-BF16 (Cooper Lake, Zen 4 and later), AMX (Sapphire Rapids),
    /// Arm's BF16 (FEAT_BF16: Apple M2 and later, Neoverse V1 and later).</summary>
    public static readonly IReadOnlyList<string> Bf16CpuFlags = [CpuFeatures.Avx512Bf16, CpuFeatures.AmxBf16, CpuFeatures.ArmBf16];

    /// <summary>NVIDIA GPUs have bfloat16 tensor cores from Ampere (compute capability 8.0) on.</summary>
    public static readonly Version MinBf16CudaCapability = new(8, 0);

    /// <summary>The bf16 flags this CPU has, in <see cref="Bf16CpuFlags"/> order; empty when none or unknown.</summary>
    public IReadOnlyList<string> Bf16Flags => CpuFlags is null ? [] : Bf16CpuFlags.Where(CpuFlags.Contains).ToList();

    /// <summary>True for an Arm CPU whose only bf16 units are Arm's (FEAT_BF16): LibTorch's CPU bf16 is unmeasured there.</summary>
    public bool OnlyArmBf16 => Bf16Flags is [CpuFeatures.ArmBf16];

    /// <summary>One line for benchmarks and logs: "CPU: AMD EPYC 9R14; bf16 flags: avx512_bf16".</summary>
    public override string ToString() => IsCuda
        ? $"GPU: {Model}; compute capability {CudaCapability?.ToString() ?? "unknown"}"
        : $"CPU: {Model}; bf16 flags: " +
            $"{(CpuFlags is null ? "unknown" : Bf16Flags.Count == 0 ? "none" : string.Join(", ", Bf16Flags))}";

    /// <summary>Reads the hardware behind <paramref name="device"/>.</summary>
    public static Hardware Detect(torch.Device device) =>
        device.type == DeviceType.CUDA ? DetectCuda(device.index < 0 ? 0 : device.index) : DetectCpu();

    public static Hardware DetectCpu()
    {
        var (model, flags) = CpuFeatures.Detect();
        return new Hardware(false, model, flags, null);
    }

    /// <summary>The GPU's name and compute capability through nvidia-smi (TorchSharp 0.107 does not expose them).</summary>
    static Hardware DetectCuda(int index)
    {
        try
        {
            using var smi = Process.Start(new ProcessStartInfo("nvidia-smi",
                $"--query-gpu=name,compute_cap --format=csv,noheader -i {index}")
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            })!;
            var line = smi.StandardOutput.ReadToEnd().Trim();
            smi.WaitForExit();
            var parts = line.Split(',', StringSplitOptions.TrimEntries);
            if (smi.ExitCode == 0 && parts.Length == 2 && Version.TryParse(parts[1], out var capability))
                return new Hardware(true, parts[0], null, capability);
        }
        catch (System.ComponentModel.Win32Exception) { } // no nvidia-smi: the capability stays unknown
        return new Hardware(true, string.Create(CultureInfo.InvariantCulture, $"cuda:{index}"), null, null);
    }
}
