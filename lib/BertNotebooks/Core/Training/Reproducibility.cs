using BertNotebooks.Native;
using TorchSharp;

namespace BertNotebooks.Training;

/// <summary>HF's set_seed: seeds torch (CPU and every GPU) so that weight init and dropout repeat exactly.</summary>
public static class Reproducibility
{
    /// <summary>A prime that spreads (seed, epoch) and (seed, step) pairs over distinct generator seeds.</summary>
    public const int SeedStride = 1_000_003;

    /// <summary>The seed of one optimizer step's random numbers (dropout): a function of (seed, step) alone, so that a resumed
    /// run draws exactly what the uninterrupted one did, on the GPU too (TorchSharp cannot save CUDA's RNG state).</summary>
    public static void SetStepSeed(int seed, int step) => SetSeed((long)seed * SeedStride + step);

    public static void SetSeed(long seed)
    {
        TorchNative.EnsureLoaded();
        torch.manual_seed(seed);
        if (torch.cuda.is_available()) torch.cuda.manual_seed_all(seed);
    }
}
