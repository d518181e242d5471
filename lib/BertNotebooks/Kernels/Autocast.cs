using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BertNotebooks.Kernels;

/// <summary>
/// Mixed precision inside the model, as <c>torch.autocast</c>: in an <see cref="Enable"/> region (per thread, as autocast),
/// linear layers and attention compute in a lower precision (bfloat16) from the float32 weights cast on the fly, while the
/// weights themselves, embeddings, LayerNorm, residual sums and the loss stay float32. Gradients flow back through the casts,
/// so they arrive in float32 on the float32 master weights. TorchSharp 0.107 has no autocast, so the modules ask here.
/// </summary>
public static class Autocast
{
    [ThreadStatic] static ScalarType? current;

    /// <summary>The dtype linear layers and attention compute in on this thread; null outside a region (float32 throughout).</summary>
    public static ScalarType? ComputeType => current;

    /// <summary>Computes matmuls in <paramref name="dtype"/> until disposed; null (float32) leaves the region off.</summary>
    public static IDisposable Enable(ScalarType? dtype)
    {
        var restore = new Region(current);
        current = dtype;
        return restore;
    }

    /// <summary>
    /// x W^T + b. In a region: input, weight and bias cast to the compute dtype, and the output stays in it, as autocast's
    /// linear: what follows (GELU, dropout, attention, the next linear) is safe in bfloat16, and the residual sum promotes
    /// back to float32 before LayerNorm. Casting the weights every forward costs one pass over them, cheap beside the matmul.
    /// </summary>
    /// <param name="input">(…, in)</param>
    /// <returns>(…, out)</returns>
    public static Tensor Linear(Linear layer, Tensor input)
    {
        if (current is not { } dtype) return layer.forward(input);
        using var scope = NewDisposeScope();
        return scope.MoveToOuter(nn.functional.linear(input.to(dtype), layer.weight!.to(dtype), layer.bias?.to(dtype)));
    }

    /// <summary>The dtype an activation of dtype <paramref name="dtype"/> is computed in: the region's, or its own.</summary>
    public static ScalarType ComputeTypeOr(ScalarType dtype) => current ?? dtype;

    sealed class Region(ScalarType? previous) : IDisposable
    {
        public void Dispose() => current = previous;
    }
}
