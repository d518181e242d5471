using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BertNotebooks.Kernels;

/// <summary>
/// A linear layer under mixed precision, as <c>torch.autocast</c>'s linear (TorchSharp 0.107 has no autocast): input,
/// weight and bias cast to the compute dtype (bfloat16) on the fly, and the output left in it, so what follows (GELU,
/// dropout, attention, the next linear) is in bf16 too, while the weights themselves, embeddings, LayerNorm, the residual
/// sums and the loss stay float32. Gradients flow back through the casts and arrive in float32 on the float32 weights.
/// It takes an nn.Linear's place (<see cref="CpuKernels"/>) with the same two parameters under the same names, so the state
/// dict, checkpoints and the optimizer see no change. Casting the weights every forward costs one pass over them, cheap
/// beside the matmul.
/// </summary>
public sealed class AutocastLinear : nn.Module<Tensor, Tensor>
{
    // Named as nn.Linear's, so the state-dict keys stay "….dense.weight" and "….dense.bias".
    readonly Parameter weight;
    readonly Parameter? bias;

    /// <summary>The dtype the layer computes in; null: float32, exactly nn.Linear.</summary>
    public ScalarType? ComputeType { get; set; }

    public AutocastLinear(Linear linear, ScalarType? computeType) : base(nameof(AutocastLinear))
    {
        weight = linear.weight!;
        bias = linear.bias;
        ComputeType = computeType;
        RegisterComponents();
    }

    /// <param name="input">(…, in)</param>
    /// <returns>(…, out), in <see cref="ComputeType"/></returns>
    public override Tensor forward(Tensor input)
    {
        if (ComputeType is not { } dtype) return nn.functional.linear(input, weight, bias);
        using var scope = NewDisposeScope();
        return scope.MoveToOuter(nn.functional.linear(input.to(dtype), weight.to(dtype), bias?.to(dtype)));
    }
}
