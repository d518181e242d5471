using BertNotebooks.Native;
using TorchSharp;

namespace BertNotebooks.Training;

/// <summary>HF's set_seed: seeds torch (CPU and every GPU) so that weight init and dropout repeat exactly.</summary>
public static class Reproducibility
{
    public static void SetSeed(long seed)
    {
        TorchNative.EnsureLoaded();
        torch.manual_seed(seed);
        if (torch.cuda.is_available()) torch.cuda.manual_seed_all(seed);
    }
}
