using TorchSharp;
using static TorchSharp.torch.nn.functional;

namespace BertNotebooks.Modeling;

/// <summary>HF's ACT2FN for the activations BERT checkpoints use; "gelu" is the exact erf GELU, as in transformers.</summary>
static class Activations
{
    static readonly Dictionary<string, Func<torch.Tensor, torch.Tensor>> ByName = new()
    {
        ["gelu"] = x => gelu(x),
        // HF's gelu_new is the tanh approximation written out; PyTorch's tanh GELU computes the same formula.
        ["gelu_new"] = x => gelu(x, TorchSharp.Modules.GELU.Approximate.tanh),
        ["gelu_pytorch_tanh"] = x => gelu(x, TorchSharp.Modules.GELU.Approximate.tanh),
        ["relu"] = x => relu(x),
        ["silu"] = x => silu(x),
        ["swish"] = x => silu(x),
    };

    /// <summary>The hidden_act values this library builds: <see cref="BertConfig.Validate"/> accepts exactly these.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. ByName.Keys];

    public static Func<torch.Tensor, torch.Tensor> Get(string name) => ByName.TryGetValue(name, out var activation)
        ? activation
        : throw new NotSupportedException($"hidden_act '{name}' is not supported; use one of {string.Join(", ", Names)}.");
}
