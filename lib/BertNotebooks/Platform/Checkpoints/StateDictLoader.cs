using TorchSharp;
using static TorchSharp.torch;

namespace BertNotebooks.Checkpoints;

/// <summary>Copies checkpoint tensors into a model by HF name, with transformers' renaming, dropping and reporting.</summary>
public static class StateDictLoader
{
    /// <summary>
    /// Copies <paramref name="checkpoint"/> into <paramref name="model"/>'s parameters (converting dtype, keeping the
    /// model's device). Strict: any key the model lacks (beyond the ignorable position_ids and cls.* heads), any
    /// model key the checkpoint lacks, and any shape difference is an error that names the keys. Not strict: model
    /// keys the checkpoint lacks keep the HF initialisation the model was built with; keys for which
    /// <paramref name="mayReinitialise"/> is true (the task head) also do so when their shape differs.
    /// </summary>
    /// <param name="model">a freshly built model, already initialised the HF way</param>
    /// <param name="source">what to call the checkpoint in errors and the report (its folder or file)</param>
    public static LoadReport Load(nn.Module model, IReadOnlyDictionary<string, Tensor> checkpoint, string source, bool strict,
        Func<string, bool> mayReinitialise)
    {
        var target = model.state_dict();
        var hasBase = target.Keys.Any(k => k.StartsWith(StateDictKeys.BasePrefix, StringComparison.Ordinal));
        var (names, renamed) = StateDictKeys.Normalise(checkpoint.Keys, hasBase);

        var dropped = new List<string>();
        var unexpected = new List<string>();
        foreach (var (key, name) in names)
        {
            if (target.ContainsKey(name)) continue;
            if (StateDictKeys.IsIgnorable(name) || !strict) dropped.Add(key);
            else unexpected.Add(key);
        }
        if (unexpected.Count > 0)
            throw new InvalidDataException(
                $"{source} holds {unexpected.Count} tensor(s) that a {model.GetType().Name} with this config.json has no place for: " +
                $"{List(unexpected)}. Check config.json (num_hidden_layers, architectures) or load with strict: false to drop them.");

        var byName = names.ToDictionary(p => p.Value, p => checkpoint[p.Key], StringComparer.Ordinal);
        var initialised = new List<InitialisedKey>();
        var missing = new List<string>();
        using (no_grad())
        {
            foreach (var (name, parameter) in target.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                if (!byName.TryGetValue(name, out var tensor))
                {
                    if (strict) missing.Add(name);
                    else initialised.Add(new InitialisedKey(name, "missing from the checkpoint"));
                    continue;
                }
                if (!tensor.shape.SequenceEqual(parameter.shape))
                {
                    var shapes = $"checkpoint shape {Shape(tensor)}, model shape {Shape(parameter)}";
                    if (!strict && mayReinitialise(name)) { initialised.Add(new InitialisedKey(name, shapes)); continue; }
                    throw new InvalidDataException(
                        $"{source}: tensor {name} has {shapes}. The checkpoint does not fit this config.json" +
                        (mayReinitialise(name) ? "; pass the checkpoint's class names, or strict: false to train a new head." : "."));
                }
                parameter.copy_(tensor);
            }
        }
        if (missing.Count > 0)
            throw new InvalidDataException(
                $"{source} lacks {missing.Count} tensor(s) that the model needs: {List(missing)}. " +
                "Load with strict: false to initialise them the HF way (then fine-tune), or use the complete checkpoint.");
        return new LoadReport(source, renamed, dropped.Order(StringComparer.Ordinal).ToList(), initialised);
    }

    static string Shape(Tensor t) => $"[{string.Join(", ", t.shape)}]";

    static string List(List<string> keys) => string.Join(", ", keys.Take(10)) + (keys.Count > 10 ? $" and {keys.Count - 10} more" : "");
}
