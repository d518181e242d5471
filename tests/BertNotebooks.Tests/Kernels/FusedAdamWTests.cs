using BertNotebooks.Kernels;
using BertNotebooks.Tests.Modeling;
using BertNotebooks.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BertNotebooks.Tests.Kernels;

public sealed class FusedAdamWTests
{
    /// <summary>Parameters of 1 element, a vector tail (70,001 = chunk + tail) and a decayed and an undecayed group.</summary>
    static (List<Parameter> Decayed, List<Parameter> Plain) Parameters()
    {
        manual_seed(11);
        return ([new Parameter(randn(70_001)), new Parameter(randn(37, 5))], [new Parameter(randn(1)), new Parameter(randn(129))]);
    }

    /// <summary>Every parameter of both groups, decayed first.</summary>
    static List<Parameter> All((List<Parameter> Decayed, List<Parameter> Plain) p) => [.. p.Decayed, .. p.Plain];

    static AdamW.ParamGroup[] Groups((List<Parameter> Decayed, List<Parameter> Plain) p) =>
    [
        new(p.Decayed, new AdamW.Options { LearningRate = 1e-2, weight_decay = 0.01 }),
        new(p.Plain, new AdamW.Options { LearningRate = 1e-2, weight_decay = 0.0 }),
    ];

    [Fact]
    public void Five_fused_steps_give_the_weights_of_five_TorchSharp_AdamW_steps_to_a_rounding()
    {
        var (fusedParameters, plainParameters) = (Parameters(), Parameters());
        using var fused = new AdamW(Groups(fusedParameters), 1e-2, 0.9, 0.999, 1e-8, 0.01);
        using var reference = new AdamW(Groups(plainParameters), 1e-2, 0.9, 0.999, 1e-8, 0.01);
        var (all, allReference) = (All(fusedParameters), All(plainParameters));
        for (int step = 0; step < 5; step++)
        {
            using var scope = NewDisposeScope();
            var targets = all.Select(p => randn_like(p)).ToList(); // the same gradients for both: d/dp of sum(p * t) = t
            foreach (var (parameters, optimizer, isFused) in new[] { (all, fused, true), (allReference, reference, false) })
            {
                optimizer.zero_grad();
                stack(parameters.Zip(targets, (p, t) => (p * t).sum()).ToList()).sum().backward();
                if (isFused) FusedAdamW.Step(optimizer);
                else optimizer.step();
            }
        }
        // The weights agree to a few roundings of their size, and so do the moments, which amplify no difference.
        foreach (var (p, q) in all.Zip(allReference))
            Assert.True(RelativeDifference(p, q) <= 2e-7, $"weights of shape [{string.Join(", ", p.shape)}] differ");
        var moments = fused.state_dict().State.Cast<AdamW.State>().Zip(reference.state_dict().State.Cast<AdamW.State>());
        foreach (var (a, b) in moments)
        {
            Assert.True(RelativeDifference(a.exp_avg, b.exp_avg) <= 2e-7, "exp_avg differs");
            Assert.True(RelativeDifference(a.exp_avg_sq, b.exp_avg_sq) <= 2e-7, "exp_avg_sq differs");
            Assert.Equal(5, a.step);
        }
        var moved = (all[0] - Parameters().Decayed[0]).abs().max().item<float>();
        Assert.True(moved > 1e-3, "the steps moved nothing, so the comparison proves nothing");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // amsgrad: not fused, so TorchSharp's step after the gradients are scaled in place
    public void The_clipping_coefficient_folded_into_the_update_gives_the_weights_of_scaling_the_gradients_first_bit_for_bit(
        bool amsgrad)
    {
        var (folded, scaledFirst) = (Parameters(), Parameters());
        using var foldedOptimizer = new AdamW(Groups(folded), 1e-2, 0.9, 0.999, 1e-8, 0.01, amsgrad);
        using var scaledFirstOptimizer = new AdamW(Groups(scaledFirst), 1e-2, 0.9, 0.999, 1e-8, 0.01, amsgrad);
        using var coefficient = tensor(0.3719f); // what clipping a norm of 2.689 to 1 multiplies by
        var (foldedAll, scaledFirstAll) = (All(folded), All(scaledFirst));
        for (int step = 0; step < 3; step++)
        {
            using var scope = NewDisposeScope();
            var targets = foldedAll.Select(p => randn_like(p)).ToList();
            foreach (var (parameters, optimizer, fold) in new[]
                     {
                         (foldedAll, foldedOptimizer, true),
                         (scaledFirstAll, scaledFirstOptimizer, false),
                     })
            {
                optimizer.zero_grad();
                stack(parameters.Zip(targets, (p, t) => (p * t).sum()).ToList()).sum().backward();
                if (fold) FusedAdamW.Step(optimizer, coefficient);
                else
                {
                    using (no_grad()) foreach (var p in parameters) p.grad!.mul_(coefficient); // clip_grad_norm_'s multiply
                    FusedAdamW.Step(optimizer);
                }
            }
        }
        foreach (var (p, q) in foldedAll.Zip(scaledFirstAll))
            TensorAssert.Equal(q.detach(), p.detach(), $"weights of shape [{string.Join(", ", p.shape)}]");
    }

    /// <summary>The largest difference, as a fraction of the largest magnitude in <paramref name="expected"/>.</summary>
    static float RelativeDifference(Tensor actual, Tensor expected) =>
        (actual - expected).abs().max().item<float>() / expected.abs().max().item<float>();
}
