using static TorchSharp.torch;

namespace BertNotebooks.Kernels;

/// <summary>
/// For the few loops the library writes over a CPU tensor's memory itself (a dropout mask, the AdamW update): the address of
/// its elements, and a parallel loop over chunks of them.
/// </summary>
static class CpuTensorLoops
{
    /// <summary>Elements a chunk: a multiple of every vector width, so that only the last chunk has a scalar tail.</summary>
    public const long Chunk = 1 << 16;

    /// <summary>The address of the first element of <paramref name="tensor"/>, a contiguous CPU tensor.</summary>
    public static unsafe IntPtr Address(Tensor tensor)
    {
        fixed (byte* start = tensor.bytes) return (IntPtr)start;
    }

    /// <summary>Calls <paramref name="body"/>(start, end) for consecutive chunks of [0, <paramref name="count"/>), on all
    /// cores when there is more than one chunk.</summary>
    public static void ForEachChunk(long count, Action<long, long> body)
    {
        long chunks = (count + Chunk - 1) / Chunk;
        void Run(long c) => body(c * Chunk, Math.Min(count, (c + 1) * Chunk));
        if (chunks == 1) Run(0);
        else Parallel.For(0L, chunks, Run);
    }
}
