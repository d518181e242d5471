using TorchSharp;

namespace BertNotebooks.Tests.Modeling;

/// <summary>Tensor comparisons whose failure message says which tensor and by how much.</summary>
public static class TensorAssert
{
    public static double MaxAbsDiff(torch.Tensor expected, torch.Tensor actual)
    {
        using var scope = torch.NewDisposeScope();
        return (expected.cpu().to(torch.float64) - actual.detach().cpu().to(torch.float64)).abs().max().item<double>();
    }

    public static void Close(torch.Tensor expected, torch.Tensor actual, double absoluteTolerance, string name)
    {
        Assert.True(expected.shape.SequenceEqual(actual.shape),
            $"{name}: shape [{string.Join(", ", actual.shape)}], expected [{string.Join(", ", expected.shape)}]");
        var diff = MaxAbsDiff(expected, actual);
        Assert.True(diff <= absoluteTolerance, $"{name}: max |difference| {diff:E3} > {absoluteTolerance:E1}");
    }

    /// <summary>Max |difference| at most <paramref name="relativeTolerance"/> times the expected tensor's L2 norm.</summary>
    public static void CloseRelativeToNorm(torch.Tensor expected, torch.Tensor actual, double relativeTolerance, string name)
    {
        Assert.True(expected.shape.SequenceEqual(actual.shape),
            $"{name}: shape [{string.Join(", ", actual.shape)}], expected [{string.Join(", ", expected.shape)}]");
        using var scope = torch.NewDisposeScope();
        var norm = expected.to(torch.float64).norm().item<double>();
        var diff = MaxAbsDiff(expected, actual);
        Assert.True(norm > 0, $"{name}: the reference is all zeros, so the comparison would prove nothing");
        Assert.True(diff <= relativeTolerance * norm, $"{name}: max |difference| {diff:E3} > {relativeTolerance:E1} x norm {norm:E3}");
    }

    public static void Equal(torch.Tensor expected, torch.Tensor actual, string name)
    {
        Assert.Equal(expected.dtype, actual.dtype);
        Assert.True(expected.shape.SequenceEqual(actual.shape), $"{name}: shapes differ");
        Assert.True(expected.cpu().equal(actual.cpu()).all().item<bool>(), $"{name}: values differ");
    }
}
