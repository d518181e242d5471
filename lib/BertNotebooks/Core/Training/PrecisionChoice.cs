using BertNotebooks.Native;
using TorchSharp;

namespace BertNotebooks.Training;

/// <summary>
/// fp32 or bf16 mixed precision (linear layers in bf16 from float32 weights, through <see cref="IKernels"/>) for a run, and
/// why. <see cref="Choose"/> is the rule: a pure function of the request and the hardware, so that it is tested without the
/// hardware.
/// </summary>
/// <param name="Warning">Set when bf16 was asked for on hardware without bf16 units: it runs, but slowly.</param>
public sealed record PrecisionChoice(bool Bf16, string Reason, string? Warning = null)
{
    public const string Auto = "auto", Fp32 = "fp32", Bf16Name = "bf16";
    public static readonly IReadOnlyList<string> Names = [Auto, Fp32, Bf16Name];

    /// <summary>The dtype for <see cref="IKernels.Apply"/>: bfloat16, or null for float32 throughout.</summary>
    public torch.ScalarType? ComputeType => Bf16 ? torch.ScalarType.BFloat16 : null;

    public string Name => Bf16 ? Bf16Name : Fp32;

    /// <summary>"precision: bf16 (auto: the CPU has avx512_bf16)", the line runs print.</summary>
    public override string ToString() => $"precision: {Name} ({Reason})";

    /// <summary>Throws, naming the choices, unless <paramref name="requested"/> is auto, fp32 or bf16 (any case).</summary>
    public static string Normalise(string? requested)
    {
        var name = string.IsNullOrWhiteSpace(requested) ? Auto : requested.Trim().ToLowerInvariant();
        return Names.Contains(name) ? name
            : throw new ArgumentException($"Unknown precision '{requested}'. Use auto (bf16 where the hardware has bf16 units), " +
                "fp32 or bf16.");
    }

    /// <summary>
    /// auto: bf16 where the hardware computes it natively (a CPU with avx512_bf16 or amx_bf16, a GPU of compute capability
    /// 8.0 or more), fp32 elsewhere, because emulated bf16 is far slower than fp32; fp32 on Arm's bf16 too, until measured.
    /// fp32 and bf16: as asked, bf16 with a warning where it is emulated. Mixed precision is one of the speed kernels:
    /// without them (<paramref name="kernels"/> false) auto is fp32 and bf16 is an error.
    /// </summary>
    public static PrecisionChoice Choose(string? requested, Hardware hardware, bool kernels = true)
    {
        var name = Normalise(requested);
        if (!kernels)
            return name == Bf16Name
                ? throw new ArgumentException("precision bf16 needs the speed kernels (bf16 mixed precision is one of them), " +
                    "which are off: set useKernels (--use-kernels) true, or precision fp32.")
                : new PrecisionChoice(false, name == Auto ? "auto: the speed kernels are off, so float32 throughout" : "asked for fp32");
        var (hasUnits, why) = Bf16Units(hardware);
        return name switch
        {
            Fp32 => new PrecisionChoice(false, "asked for fp32"),
            Bf16Name when hasUnits => new PrecisionChoice(true, $"asked for bf16; {why}"),
            Bf16Name when hardware.OnlyArmBf16 => new PrecisionChoice(true, "asked for bf16; the CPU has Arm's bf16 (FEAT_BF16)",
                "bf16 was asked for on Arm's bf16 units, whose LibTorch speed is unmeasured: compare with fp32 (bertnb bench-step)."),
            Bf16Name => new PrecisionChoice(true, $"asked for bf16; {why}", hardware.IsCuda
                ? $"bf16 was asked for, but {why}: expect bf16 to be slower than fp32. Use precision auto or fp32."
                : $"bf16 was asked for, but {why}: bf16 matmuls are emulated, about 40x slower than fp32. Use precision auto or fp32."),
            _ => new PrecisionChoice(hasUnits, $"auto: {why}"),
        };
    }

    static (bool HasUnits, string Why) Bf16Units(Hardware hardware)
    {
        if (hardware.IsCuda)
            return hardware.CudaCapability is not { } capability
                ? (false, "the GPU's compute capability is unknown (nvidia-smi did not say)")
                : capability >= Hardware.MinBf16CudaCapability ? (true, $"the GPU has bf16 tensor cores (compute capability {capability})")
                : (false, $"the GPU has no bf16 tensor cores (compute capability {capability} < {Hardware.MinBf16CudaCapability})");
        if (hardware.CpuFlags is null) return (false, "the CPU's flags are unknown");
        if (hardware.OnlyArmBf16)
            return (false, "the CPU has Arm's bf16 (FEAT_BF16), but LibTorch's CPU bf16 on Arm (Apple Silicon) has not been " +
                "measured to beat fp32: fp32 until a measurement says otherwise");
        return hardware.Bf16Flags.Count > 0
            ? (true, $"the CPU has {string.Join(" and ", hardware.Bf16Flags)}")
            : (false, $"the CPU has no bf16 units (neither {string.Join(" nor ", Hardware.Bf16CpuFlags)})");
    }
}
