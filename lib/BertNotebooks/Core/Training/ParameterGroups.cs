using TorchSharp;
using TorchSharp.Modules;

namespace BertNotebooks.Training;

/// <summary>Which parameters get weight decay: all but biases and LayerNorm weights (HF's get_decay_parameter_names).</summary>
public static class ParameterGroups
{
    /// <summary>Names of the parameters that are decayed. Excluded: those of
    /// LayerNorm modules, and names containing bias or layernorm.</summary>
    public static IReadOnlySet<string> DecayParameterNames(torch.nn.Module model)
    {
        var layerNormParameters = model.named_modules()
            .Where(m => m.module is LayerNorm)
            .SelectMany(m => m.module.named_parameters().Select(p => m.name.Length == 0 ? p.name : $"{m.name}.{p.name}"))
            .ToHashSet();
        return model.named_parameters()
            .Select(p => p.name)
            .Where(name => !layerNormParameters.Contains(name))
            .Where(name => !name.Contains("bias", StringComparison.OrdinalIgnoreCase))
            .Where(name => !name.Contains("layernorm", StringComparison.OrdinalIgnoreCase))
            .ToHashSet();
    }

    /// <summary>AdamW over two groups: decayed parameters with <see cref="TrainingArguments.WeightDecay"/>, the rest with 0.</summary>
    public static AdamW CreateAdamW(torch.nn.Module model, TrainingArguments args)
    {
        var decay = DecayParameterNames(model);
        var named = model.named_parameters().Where(p => p.parameter.requires_grad).ToList();
        AdamW.ParamGroup Group(bool decayed) => new(
            named.Where(p => decay.Contains(p.name) == decayed).Select(p => p.parameter),
            new AdamW.Options { LearningRate = args.LearningRate, weight_decay = decayed ? args.WeightDecay : 0.0 });
        // beta2 is passed explicitly: TorchSharp's torch.optim.AdamW factory defaults it to 0.99, not PyTorch's 0.999.
        return new AdamW([Group(true), Group(false)],
            args.LearningRate, args.AdamBeta1, args.AdamBeta2, args.AdamEpsilon, args.WeightDecay);
    }
}
