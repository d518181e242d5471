using System.Numerics;
using BertNotebooks.Data;
using TorchSharp;
using static BertNotebooks.Kernels.CpuTensorLoops;
using static TorchSharp.torch;

namespace BertNotebooks.Kernels;

/// <summary>
/// PyTorch's dropout (HF's nn.Dropout): in training, each element is kept with probability 1 - p and the kept ones are
/// scaled by 1 / (1 - p); outside training, the identity. What differs is where the random numbers come from. LibTorch's
/// CPU bernoulli_ draws them one at a time from one Mersenne Twister (its vectorised MKL path is for Intel CPUs only), for
/// the 14.6 million elements one MiniLM forward pass drops out at batch 8 x 128 about as long as the bf16 forward pass
/// itself. Here the mask comes from a counter-based generator (SplitMix64 of the element's index and a seed), filled a
/// vector at a time by all cores (<c>bertnb bench-step</c> times both on the machine at hand).
/// Each call takes its seed from torch's default generator, so torch.manual_seed and a checkpoint's saved RNG state still
/// decide every mask, and the mask is the same whatever the number of threads.
/// On a GPU, LibTorch's own dropout.
/// </summary>
public sealed class ParallelDropout : nn.Module<Tensor, Tensor>
{
    readonly double p;

    /// <param name="p">The probability that an element is zeroed, in [0, 1).</param>
    public ParallelDropout(double p) : base(nameof(ParallelDropout))
    {
        if (p is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(p), p, "A dropout probability must be in [0, 1).");
        this.p = p;
    }

    /// <param name="input">any shape</param>
    /// <returns>the same shape and dtype</returns>
    public override Tensor forward(Tensor input) => Apply(input, p, training);

    /// <summary>Dropout of <paramref name="input"/> with probability <paramref name="p"/> when <paramref name="training"/>.</summary>
    public static Tensor Apply(Tensor input, double p, bool training)
    {
        if (!training || p == 0 || input.device_type != DeviceType.CPU || input.numel() == 0)
            return nn.functional.dropout(input, p, training);
        using var scope = NewDisposeScope();
        var mask = Mask(input.shape, input.dtype, p, NextSeed()); // constant: the backward pass is grad * mask, as PyTorch's
        return scope.MoveToOuter(input * mask);
    }

    /// <summary>
    /// 0 or 1 / (1 - p) for each element (the scale divided in <paramref name="dtype"/>, as PyTorch's noise.div_(1 - p)):
    /// element i is kept when 32 bits of SplitMix64(seed + (i / 2 + 1) * γ) (the low half for even i, the high half for odd
    /// i) are below (1 - p) * 2³², so the keep probability is exact to 2⁻³².
    /// </summary>
    public static Tensor Mask(long[] shape, ScalarType dtype, double p, ulong seed)
    {
        if (dtype is not (ScalarType.Float32 or ScalarType.BFloat16 or ScalarType.Float16))
            throw new ArgumentException($"Dropout masks are float32, bfloat16 or float16, not {dtype}.");
        uint threshold = (uint)Math.Min(Math.Round((1 - p) * 4294967296.0), uint.MaxValue);
        ulong scaleBits = ScaleBits(dtype, p);
        var mask = empty(shape, dtype);
        long count = mask.numel();
        int elementSize = (int)mask.ElementSize; // 4 or 2
        IntPtr data = Address(mask);
        ForEachChunk(count, (start, end) => FillRange(data, elementSize, start, end, seed, threshold, scaleBits));
        return mask;
    }

    const ulong Gamma = SplitMix64.Gamma;

    /// <summary>Elements [start, end) of the mask, <paramref name="start"/> even: whole vectors of draws, then one at a time.</summary>
    static unsafe void FillRange(IntPtr data, int elementSize, long start, long end, ulong seed, uint threshold, ulong scaleBits)
    {
        long i = elementSize == 4
            ? FillVectors32((uint*)data, start, end, seed, threshold, (uint)scaleBits)
            : FillVectors16((ushort*)data, start, end, seed, threshold, (ushort)scaleBits);
        for (; i < end; i += 2)
        {
            ulong bits = SplitMix64.Mix(seed + (ulong)(i / 2 + 1) * Gamma);
            bool keepLow = (uint)bits < threshold, keepHigh = (uint)(bits >> 32) < threshold;
            if (elementSize == 4)
            {
                ((uint*)data)[i] = keepLow ? (uint)scaleBits : 0;
                if (i + 1 < end) ((uint*)data)[i + 1] = keepHigh ? (uint)scaleBits : 0;
            }
            else
            {
                ((ushort*)data)[i] = keepLow ? (ushort)scaleBits : (ushort)0;
                if (i + 1 < end) ((ushort*)data)[i + 1] = keepHigh ? (ushort)scaleBits : (ushort)0;
            }
        }
    }

    /// <summary>
    /// The 32-bit halves of Vector&lt;ulong&gt;.Count draws, read as a Vector&lt;uint&gt;, are the next 2 x Count elements in
    /// order (little-endian: the low half is the even element); each becomes all ones where it is below the threshold.
    /// </summary>
    static Vector<uint> KeepMask(long firstElement, ulong seed, Vector<uint> threshold)
    {
        var draw = new Vector<ulong>((ulong)(firstElement / 2)) + DrawOffsets;
        var z = Mix(new Vector<ulong>(seed) + draw * new Vector<ulong>(Gamma));
        return Vector.LessThan(Vector.AsVectorUInt32(z), threshold);
    }

    static unsafe long FillVectors32(uint* output, long i, long end, ulong seed, uint threshold, uint scale)
    {
        var (limit, scales) = (new Vector<uint>(threshold), new Vector<uint>(scale));
        for (; i + Vector<uint>.Count <= end; i += Vector<uint>.Count)
            (KeepMask(i, seed, limit) & scales).Store(output + i);
        return i;
    }

    static unsafe long FillVectors16(ushort* output, long i, long end, ulong seed, uint threshold, ushort scale)
    {
        var (limit, scales) = (new Vector<uint>(threshold), new Vector<uint>(scale));
        for (; i + Vector<ushort>.Count <= end; i += Vector<ushort>.Count)
            Vector.Narrow(KeepMask(i, seed, limit) & scales, KeepMask(i + Vector<uint>.Count, seed, limit) & scales).Store(output + i);
        return i;
    }

    /// <summary>1, 2, …, Vector&lt;ulong&gt;.Count: the draws' numbers after the vector's first element / 2.</summary>
    static readonly Vector<ulong> DrawOffsets =
        Vector.Create<ulong>(Enumerable.Range(1, Vector<ulong>.Count).Select(n => (ulong)n).ToArray());

    /// <summary><see cref="SplitMix64.Mix"/> on each lane: the same bits, a vector at a time.</summary>
    static Vector<ulong> Mix(Vector<ulong> z)
    {
        z = (z ^ Vector.ShiftRightLogical(z, 30)) * new Vector<ulong>(0xBF58476D1CE4E5B9UL);
        z = (z ^ Vector.ShiftRightLogical(z, 27)) * new Vector<ulong>(0x94D049BB133111EBUL);
        return z ^ Vector.ShiftRightLogical(z, 31);
    }

    /// <summary>The bits of 1 / (1 - p) in <paramref name="dtype"/>, divided by LibTorch so the rounding is PyTorch's.</summary>
    static ulong ScaleBits(ScalarType dtype, double p)
    {
        using var scale = ones(1, dtype).div_(1 - p);
        var bytes = scale.bytes;
        return bytes.Length == 4 ? BitConverter.ToUInt32(bytes) : BitConverter.ToUInt16(bytes);
    }

    /// <summary>One 64-bit seed from torch's default generator (what torch.manual_seed sets and checkpoints save).</summary>
    static ulong NextSeed()
    {
        using var draw = randint(0, long.MaxValue, [1], dtype: ScalarType.Int64);
        return (ulong)draw.item<long>();
    }
}
