using BertNotebooks.Native;
using BertNotebooks.Training;

namespace BertNotebooks.Tests.Training;

/// <summary>The precision rule given CPU flags or a GPU's compute capability: no hardware needed.</summary>
public sealed class PrecisionChoiceTests
{
    static Hardware Cpu(string flags) =>
        new(false, "AMD EPYC 9R14", flags.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(), null);

    static Hardware Gpu(string? capability) => new(true, "NVIDIA test GPU", null, capability is null ? null : Version.Parse(capability));

    [Theory]
    [InlineData("avx512f avx512_bf16", true, "avx512_bf16")]
    [InlineData("amx_tile amx_bf16", true, "amx_bf16")]
    [InlineData("avx512f", false, "no bf16 units")]
    [InlineData("", false, "no bf16 units")]
    public void AutoUsesBf16OnlyWhereTheCpuHasBf16Units(string flags, bool bf16, string reason)
    {
        var choice = PrecisionChoice.Choose("auto", Cpu(flags));
        Assert.Equal(bf16, choice.Bf16);
        Assert.Contains(reason, choice.Reason);
        Assert.StartsWith("precision: " + (bf16 ? "bf16" : "fp32") + " (auto: ", choice.ToString());
        Assert.Null(choice.Warning);
        Assert.Equal(bf16 ? TorchSharp.torch.ScalarType.BFloat16 : null, choice.ComputeType);
    }

    [Fact]
    public void TheLineNamesTheModelAndTheBf16Flags()
    {
        var cpu = Cpu("avx512_bf16 amx_bf16");
        Assert.Equal("AMD EPYC 9R14", cpu.Model);
        Assert.Equal(["avx512_bf16", "amx_bf16"], cpu.Bf16Flags);
        Assert.Equal("CPU: AMD EPYC 9R14; bf16 flags: avx512_bf16, amx_bf16", cpu.ToString());
        Assert.Equal("CPU: AMD EPYC 9R14; bf16 flags: none", Cpu("").ToString());
        Assert.Equal("CPU: AMD EPYC 9R14; bf16 flags: unknown", new Hardware(false, "AMD EPYC 9R14", null, null).ToString());
    }

    [Fact]
    public void AutoStaysFp32OnArmBf16UntilMeasuredAndSaysSo()
    {
        var appleM2 = new Hardware(false, "Apple M2", new HashSet<string> { "bf16" }, null);
        var choice = PrecisionChoice.Choose("auto", appleM2);
        Assert.False(choice.Bf16);
        Assert.Contains("FEAT_BF16", choice.Reason);
        Assert.Contains("until a measurement says otherwise", choice.Reason);
        Assert.DoesNotContain('\n', choice.ToString());
        var asked = PrecisionChoice.Choose("bf16", appleM2);
        Assert.True(asked.Bf16);
        Assert.DoesNotContain("40x", asked.Warning);
    }

    [Fact]
    public void Bf16AskedForWithoutUnitsRunsWithAWarningNamingTheSlowDown()
    {
        var choice = PrecisionChoice.Choose("BF16", Cpu("avx2"));
        Assert.True(choice.Bf16);
        Assert.Contains("40x slower", choice.Warning);
        Assert.Contains("auto or fp32", choice.Warning);
        Assert.Null(PrecisionChoice.Choose("bf16", Cpu("avx512_bf16")).Warning);
    }

    [Fact]
    public void Fp32IsKeptWhenAskedForEvenWithBf16Units()
    {
        var choice = PrecisionChoice.Choose("fp32", Cpu("avx512_bf16"));
        Assert.False(choice.Bf16);
        Assert.Null(choice.ComputeType);
        Assert.Equal("precision: fp32 (asked for fp32)", choice.ToString());
    }

    [Theory]
    [InlineData("8.0", true)]
    [InlineData("9.0", true)]
    [InlineData("7.5", false)]
    [InlineData(null, false)]
    public void OnAGpuAutoNeedsComputeCapability8(string? capability, bool bf16)
    {
        var choice = PrecisionChoice.Choose("auto", Gpu(capability));
        Assert.Equal(bf16, choice.Bf16);
        Assert.Contains(capability ?? "unknown", choice.Reason);
        if (!bf16) Assert.Contains("slower than fp32", PrecisionChoice.Choose("bf16", Gpu(capability)).Warning);
    }

    [Fact]
    public void UnknownCpuFlagsMeanFp32()
    {
        var choice = PrecisionChoice.Choose(null, new Hardware(false, "unknown", null, null));
        Assert.False(choice.Bf16);
        Assert.Contains("unknown", choice.Reason);
    }

    [Fact]
    public void AnUnknownPrecisionIsRejectedWithTheChoices()
    {
        var error = Assert.Throws<ArgumentException>(() => PrecisionChoice.Choose("half", Cpu("")));
        Assert.Contains("auto", error.Message);
        Assert.Contains("fp32 or bf16", error.Message);
    }
}
