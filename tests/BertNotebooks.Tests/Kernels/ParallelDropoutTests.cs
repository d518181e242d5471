using BertNotebooks.Kernels;
using BertNotebooks.Modeling;
using BertNotebooks.Tests.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace BertNotebooks.Tests.Kernels;

public sealed class ParallelDropoutTests
{
    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.BFloat16)]
    public void Keeps_one_minus_p_of_the_elements_scaled_as_PyTorch_scales_them(ScalarType dtype)
    {
        const double p = 0.1;
        const int n = 1_000_003; // odd and over many chunks of the parallel fill
        using var scope = NewDisposeScope();
        var mask = ParallelDropout.Mask([n], dtype, p, seed: 12345).to(ScalarType.Float32);
        var scale = ones(1, dtype).div_(1 - p).to(ScalarType.Float32).item<float>(); // PyTorch's noise.div_(1 - p)
        var kept = mask.eq(scale).sum().item<long>();
        Assert.Equal(n, kept + mask.eq(0).sum().item<long>()); // every element is 0 or the scale
        double sigma = Math.Sqrt(p * (1 - p) / n);
        Assert.InRange((double)kept / n, 1 - p - 5 * sigma, 1 - p + 5 * sigma);
    }

    [Fact]
    public void Element_i_depends_only_on_the_seed_and_i_so_not_on_the_size_or_the_threads()
    {
        using var scope = NewDisposeScope();
        var large = ParallelDropout.Mask([300_001], ScalarType.Float32, 0.5, seed: 7);
        // Short masks are filled one draw at a time, long ones a vector of draws at a time, in parallel chunks: all agree.
        foreach (var n in Enumerable.Range(1, 40))
            TensorAssert.Equal(ParallelDropout.Mask([n], ScalarType.Float32, 0.5, seed: 7), large[..n], $"prefix of {n}");
        var large16 = ParallelDropout.Mask([300_001], ScalarType.BFloat16, 0.5, seed: 7);
        TensorAssert.Equal(large.to(ScalarType.BFloat16).gt(0), large16.gt(0), "bf16 keeps the same elements");
        foreach (var n in new[] { 1, 7, 16, 33, 65_537 })
            TensorAssert.Equal(ParallelDropout.Mask([n], ScalarType.BFloat16, 0.5, seed: 7), large16[..n], $"bf16 prefix of {n}");
        var otherSeed = ParallelDropout.Mask([300_001], ScalarType.Float32, 0.5, seed: 8);
        Assert.False(large.eq(otherSeed).all().item<bool>(), "another seed, another mask");
        // Neighbours (the two halves of one 64-bit draw, and the chunk boundary at 65,536) are independent: keep-keep pairs
        // occur a quarter of the time.
        var keptPairs = large[..300_000].view(-1, 2).gt(0).all(1).to(ScalarType.Float32).mean().item<float>();
        Assert.InRange(keptPairs, 0.25 - 0.005, 0.25 + 0.005);
    }

    [Fact]
    public void Torch_manual_seed_decides_the_masks_and_consecutive_calls_differ()
    {
        using var scope = NewDisposeScope();
        var x = ones(64, 64);
        manual_seed(3);
        var first = ParallelDropout.Apply(x, 0.3, training: true);
        var second = ParallelDropout.Apply(x, 0.3, training: true);
        manual_seed(3);
        TensorAssert.Equal(first, ParallelDropout.Apply(x, 0.3, training: true), "same seed");
        Assert.False(first.eq(second).all().item<bool>(), "the next call draws another mask");
    }

    [Fact]
    public void The_gradient_is_the_mask_and_outside_training_it_is_the_identity()
    {
        using var scope = NewDisposeScope();
        manual_seed(4);
        var x = ones([8, 300], requires_grad: true);
        using var dropout = new ParallelDropout(0.25);
        var y = dropout.call(x);
        y.sum().backward();
        TensorAssert.Equal(y.detach(), x.grad!, "d(sum y)/dx = mask, as y = x * mask with x = 1");
        dropout.eval();
        var z = randn(5, 7);
        TensorAssert.Equal(z, dropout.call(z), "eval");
        TensorAssert.Equal(z, ParallelDropout.Apply(z, 0, training: true), "p = 0");
        Assert.Throws<ArgumentOutOfRangeException>(() => new ParallelDropout(1.0));
    }
}
