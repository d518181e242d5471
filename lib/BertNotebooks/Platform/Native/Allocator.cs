using System.Runtime.InteropServices;

namespace BertNotebooks.Native;

/// <summary>
/// glibc malloc settings for a training process. By default glibc serves blocks above its mmap threshold (128 KiB, raised as
/// blocks are freed, at most 32 MiB) with fresh mmap calls and returns freed heap tops to the system, so the same activation
/// and gradient buffers, allocated and freed every step, fault in their pages again every step. Measured on bench-step
/// (MiniLM, batch 8 x 128): about 50,000 page faults per step, 20,000 with these settings; what is
/// left comes from the blocks above 32 MiB (the word-embedding gradient and AdamW's temporaries of its size).
/// </summary>
static class Allocator
{
    const int M_TRIM_THRESHOLD = -1, M_TOP_PAD = -2, M_MMAP_THRESHOLD = -3;
    const int MmapThreshold = 32 << 20;   // glibc's maximum on 64-bit systems
    const int TrimThreshold = 1 << 30;    // keep up to 1 GiB of freed heap for the next step
    const int TopPad = 64 << 20;          // grow the heap in 64 MiB steps

    [DllImport("libc", EntryPoint = "mallopt")]
    static extern int MallOpt(int parameter, int value);

    [DllImport("libc", EntryPoint = "malloc_trim")]
    static extern int MallocTrim(nuint pad);

    /// <summary>
    /// Gives the memory freed since the last call back to the system: a full .NET collection (tensors nobody holds are
    /// freed by their finalizers, checkpoint buffers leave the large-object heap), then glibc's malloc_trim, which returns
    /// the free pages of every arena that the settings above keep for the next step. For the ends of phases (an
    /// evaluation, a checkpoint, a notebook), where the next allocations have other sizes anyway.
    /// </summary>
    public static void ReturnFreedMemory()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        // Aggressive: the free managed memory goes back now too; a plain collection leaves it to the GC to decommit later.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        if (!LinuxSpecific.Enabled) return;
        try { MallocTrim(0); }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException) { } // not glibc
    }

    /// <summary>Applies the settings unless the user set glibc's own MALLOC_*_ variables; false where they are not applied.</summary>
    public static bool TuneForTraining()
    {
        if (!LinuxSpecific.Enabled
            || Environment.GetEnvironmentVariables().Keys.OfType<string>().Any(k => k.StartsWith("MALLOC_", StringComparison.Ordinal)))
            return false;
        try
        {
            bool applied = MallOpt(M_MMAP_THRESHOLD, MmapThreshold) == 1;
            applied &= MallOpt(M_TRIM_THRESHOLD, TrimThreshold) == 1;
            return applied & MallOpt(M_TOP_PAD, TopPad) == 1;
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return false; // not glibc (musl, for example): its allocator has no such settings
        }
    }
}
