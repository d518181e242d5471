using System.Numerics;
using BertNotebooks.Training;
using TorchSharp;
using TorchSharp.Modules;
using static BertNotebooks.Kernels.CpuTensorLoops;
using static TorchSharp.torch;

namespace BertNotebooks.Kernels;

/// <summary>
/// One step of a TorchSharp AdamW (its options, its state, so its checkpoints too) with the update of each float32 CPU
/// parameter done in one pass, as PyTorch's <c>AdamW(fused=True)</c>, the gradient clipping's multiply included: TorchSharp's own step makes about ten passes over
/// every parameter and two temporaries of its size, a noticeable part of a bf16 step for MiniLM's 22.7 million parameters
/// (<c>bertnb bench-step</c> times the step with this update). The arithmetic is TorchSharp's, operation for operation, in float32 (decay, m, v, the bias-corrected
/// denominator, the update); the results agree with its step to a rounding or two (LibTorch fuses some multiply-adds in
/// its vector loops but not in their tails). Where a parameter is on a GPU, of another dtype or not contiguous, or the
/// optimizer uses amsgrad or maximize, TorchSharp's step runs instead.
/// </summary>
public static class FusedAdamW
{
    /// <summary>
    /// What <c>optimizer.step()</c> does after every gradient is multiplied by <paramref name="gradientScale"/> (the clipping
    /// coefficient, a scalar tensor; null: 1), in one pass per parameter where it can: the gradients are read, scaled as
    /// PyTorch's <c>grad.mul_(coefficient)</c> scales them, and used, not written back.
    /// </summary>
    public static void Step(AdamW optimizer, Tensor? gradientScale = null)
    {
        var groups = optimizer.ParamGroups.Cast<ParamGroup>().ToList();
        if (!groups.All(g => g.Options is AdamW.Options { amsgrad: false, maximize: false } && g.Parameters.All(CanFuse)))
        {
            if (gradientScale is not null) OptimizerStepper.ScaleGradients(groups.SelectMany(g => g.Parameters), gradientScale);
            optimizer.step();
            return;
        }
        float scale = gradientScale?.item<float>() ?? 1f;
        // state_dict() lists the live state of each parameter, group by group, in the groups' order.
        using var states = optimizer.state_dict().State.Cast<AdamW.State>().GetEnumerator();
        foreach (var group in groups)
            foreach (var parameter in group.Parameters)
            {
                states.MoveNext();
                using var grad = parameter.grad;
                if (grad is null) continue;
                states.Current.step += 1;
                Update(parameter, grad, scale, states.Current, (AdamW.Options)group.Options);
            }
    }

    static bool CanFuse(Parameter p)
    {
        if (p.device_type != DeviceType.CPU || p.dtype != ScalarType.Float32 || !p.is_contiguous()) return false;
        using var grad = p.grad;
        return grad is null || (grad.dtype == ScalarType.Float32 && grad.is_contiguous());
    }

    /// <summary>The scalars of one update, as TorchSharp computes them in double and LibTorch casts them to float.</summary>
    readonly record struct Coefficients(float GradientScale, float Decay, float Beta1, float OneMinusBeta1, float Beta2, float OneMinusBeta2,
        float BiasCorrection2Sqrt, float Eps, float NegativeStepSize);

    static void Update(Parameter parameter, Tensor grad, float gradientScale, AdamW.State state, AdamW.Options o)
    {
        double lr = o.LearningRate!.Value, beta1 = o.beta1!.Value, beta2 = o.beta2!.Value;
        var c = new Coefficients(GradientScale: gradientScale,
            Decay: (float)(1 - lr * o.weight_decay!.Value),
            Beta1: (float)beta1, OneMinusBeta1: (float)(1 - beta1), Beta2: (float)beta2, OneMinusBeta2: (float)(1 - beta2),
            BiasCorrection2Sqrt: (float)Math.Sqrt(1 - Math.Pow(beta2, state.step)), Eps: (float)o.eps!.Value,
            NegativeStepSize: (float)(-lr / (1 - Math.Pow(beta1, state.step))));
        var (p, g, m, v) = (Address(parameter), Address(grad), Address(state.exp_avg), Address(state.exp_avg_sq));
        ForEachChunk(parameter.numel(), (start, end) => UpdateRange(p, g, m, v, start, end, c));
    }

    /// <summary>
    /// g ← g·scale; p ← p·decay; m ← m·β1 + (1 − β1)·g; v ← v·β2 + (1 − β2)·g·g; p ← p − step · m / (√v / √(1 − β2ᵗ) + ε), for
    /// elements [start, end): clipping's mul_, then TorchSharp's mul_, mul_/add_, mul_/addcmul_, sqrt / add_ and addcdiv_, in that order.
    /// </summary>
    static unsafe void UpdateRange(IntPtr pp, IntPtr gp, IntPtr mp, IntPtr vp, long start, long end, Coefficients c)
    {
        float* p = (float*)pp, g = (float*)gp, m = (float*)mp, v = (float*)vp;
        long i = start;
        for (; i + Vector<float>.Count <= end; i += Vector<float>.Count)
        {
            var gi = Vector.Load(g + i) * c.GradientScale;
            var pi = Vector.Load(p + i) * c.Decay;
            // LibTorch's add_(grad, alpha) is a fused multiply-add in its vector loop
            var mi = Vector.FusedMultiplyAdd(gi, new Vector<float>(c.OneMinusBeta1), Vector.Load(m + i) * c.Beta1);
            var vi = Vector.Load(v + i) * c.Beta2 + c.OneMinusBeta2 * gi * gi;
            var denominator = Vector.SquareRoot(vi) / c.BiasCorrection2Sqrt + new Vector<float>(c.Eps);
            (pi + c.NegativeStepSize * mi / denominator).Store(p + i);
            mi.Store(m + i);
            vi.Store(v + i);
        }
        for (; i < end; i++)
        {
            float gi = g[i] * c.GradientScale;
            float pi = p[i] * c.Decay;
            float mi = MathF.FusedMultiplyAdd(gi, c.OneMinusBeta1, m[i] * c.Beta1);
            float vi = v[i] * c.Beta2 + c.OneMinusBeta2 * gi * gi;
            p[i] = pi + c.NegativeStepSize * mi / (MathF.Sqrt(vi) / c.BiasCorrection2Sqrt + c.Eps);
            (m[i], v[i]) = (mi, vi);
        }
    }
}
