using TorchSharp;
using static TorchSharp.torch.nn.functional;

namespace BertNotebooks.Modeling;

/// <summary>HF's ACT2FN for the activations BERT checkpoints use; "gelu" is the exact erf GELU, as in transformers.</summary>
static class Activations
{
    public static Func<torch.Tensor, torch.Tensor> Get(string name) => name switch
    {
        "gelu" => x => gelu(x),
        // HF's gelu_new is the tanh approximation written out; PyTorch's tanh GELU computes the same formula.
        "gelu_new" or "gelu_pytorch_tanh" => x => gelu(x, TorchSharp.Modules.GELU.Approximate.tanh),
        "relu" => x => relu(x),
        "silu" or "swish" => x => silu(x),
        _ => throw new NotSupportedException($"hidden_act '{name}' is not supported; use one of {string.Join(", ", BertConfig.SupportedActivations)}."),
    };
}
