using TorchSharp;
using TorchSharp.Modules;

namespace BertNotebooks.Training;

/// <summary>
/// The one seam between the lesson's code and the speed kernels (the Kernels folder), as transformers'
/// <c>attn_implementation</c>: the model's modules and the optimizer step are plain PyTorch, and an IKernels takes their
/// places after construction. The Trainer and the Predictor call it; without one (null) they run plain TorchSharp, in fp32.
/// </summary>
public interface IKernels
{
    /// <summary>
    /// Swaps modules of <paramref name="model"/> for faster ones that compute the same function, under the same names and
    /// with the same parameters, so checkpoints and the state dict do not change. With a <paramref name="computeType"/>
    /// (bfloat16), linear layers compute in it from their float32 weights (mixed precision, as <c>torch.autocast</c>);
    /// null: float32 throughout. Called again, it only changes the compute type.
    /// </summary>
    void Apply(torch.nn.Module model, torch.ScalarType? computeType);

    /// <summary>
    /// What <c>optimizer.step()</c> does, faster, after every gradient is multiplied by <paramref name="gradientScale"/> (a
    /// scalar tensor: the clipping coefficient; null: 1), which the kernel may fold into the update instead of a pass of its
    /// own over the gradients.
    /// </summary>
    void Step(AdamW optimizer, torch.Tensor? gradientScale = null);
}
