using System.Reflection;
using BertNotebooks.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BertNotebooks.Kernels;

/// <summary>
/// The speed kernels behind the Trainer's and the Predictor's one seam (<see cref="IKernels"/>), on by default
/// (<c>useKernels = false</c> in a notebook, <c>--use-kernels false</c> on the command line, for plain TorchSharp):
/// every nn.Dropout becomes a <see cref="ParallelDropout"/> (PyTorch's dropout with its mask drawn by all cores), every
/// nn.Linear an <see cref="AutocastLinear"/> under bf16 mixed precision, and the optimizer step <see cref="FusedAdamW"/>.
/// Each computes what it replaces: a test trains with and without them and compares the trajectories.
/// </summary>
public sealed class CpuKernels : IKernels
{
    public static readonly CpuKernels Instance = new();

    CpuKernels() { }

    public void Apply(nn.Module model, ScalarType? computeType)
    {
        foreach (var (name, child) in model.named_children().ToList())
        {
            nn.Module? replacement = child switch
            {
                Dropout dropout => new ParallelDropout(dropout.p),
                Linear linear when computeType is not null => new AutocastLinear(linear, computeType),
                AutocastLinear autocast => SetComputeType(autocast, computeType),
                _ => null,
            };
            if (replacement is null) Apply(child, computeType);
            else if (!ReferenceEquals(replacement, child))
            {
                replacement.train(child.training);
                Substitute(model, name, replacement);
            }
        }
    }

    public void Step(AdamW optimizer, Tensor? gradientScale = null) => FusedAdamW.Step(optimizer, gradientScale);

    static AutocastLinear SetComputeType(AutocastLinear layer, ScalarType? computeType)
    {
        layer.ComputeType = computeType;
        return layer;
    }

    /// <summary>
    /// PyTorch's <c>setattr(parent, name, replacement)</c>: the submodule registered as <paramref name="name"/> and the field
    /// of that name (TorchSharp names submodules after their fields) both become <paramref name="replacement"/>, in the same
    /// place among the parent's submodules, so that the parameters keep their order (the optimizer's, the state dict's).
    /// </summary>
    static void Substitute(nn.Module parent, string name, nn.Module replacement)
    {
        var field = parent.GetType().GetField(name, BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
            ?? throw new InvalidOperationException($"{parent.GetType().Name} registers the module '{name}' without a field of " +
                "that name, so no kernel can take its place.");
        if (!field.FieldType.IsInstanceOfType(replacement))
            throw new InvalidOperationException($"{parent.GetType().Name}.{name} is declared as {field.FieldType.Name}; declare it " +
                "as nn.Module<Tensor, Tensor> so that a kernel can take its place.");
        var children = parent.named_children().ToList();
        foreach (var (child, _) in children) parent.register_module(child, null!); // null unregisters
        foreach (var (child, module) in children) parent.register_module(child, child == name ? replacement : module);
        field.SetValue(parent, replacement);
    }
}
