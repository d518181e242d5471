using TorchSharp;

namespace BertNotebooks.Native;

/// <summary>Explicit device choice: "auto" (CUDA when available, else CPU), "cpu", "cuda" or "cuda:N".</summary>
public static class Devices
{
    public static torch.Device Resolve(string? choice = "auto")
    {
        TorchNative.EnsureLoaded();
        choice = string.IsNullOrWhiteSpace(choice) ? "auto" : choice.Trim().ToLowerInvariant();
        if (choice == "auto") return CudaAvailable() ? torch.CUDA : torch.CPU;
        if (choice == "cpu") return torch.CPU;
        if (choice.StartsWith("cuda", StringComparison.Ordinal))
        {
            if (!CudaAvailable())
                throw new InvalidOperationException(
                    $"Device '{choice}' was asked for, but CUDA is not available. Use device \"auto\" or \"cpu\", or see the " +
                    "README's GPU section (BERTNB_LIBTORCH=python, or the TorchSharp-cuda-linux package).");
            return new torch.Device(choice);
        }
        throw new ArgumentException($"Unknown device '{choice}'. Use \"auto\", \"cpu\", \"cuda\" or \"cuda:N\".", nameof(choice));
    }

    public static bool CudaAvailable()
    {
        TorchNative.EnsureLoaded();
        return torch.cuda.is_available();
    }
}
