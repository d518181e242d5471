namespace BertNotebooks.Checkpoints;

/// <summary>
/// Maps a checkpoint's key names onto the current HF BERT names, as transformers does when it loads older files:
/// LayerNorm <c>gamma</c>/<c>beta</c> become <c>weight</c>/<c>bias</c>, and BertModel checkpoints saved without the
/// <c>bert.</c> prefix (sentence-transformers) get it, and a task model's <c>bert.</c> keys lose it when the target is a
/// bare <see cref="Modeling.BertModel"/>.
/// </summary>
public static class StateDictKeys
{
    public const string BasePrefix = "bert.";
    static readonly string[] BaseModelRoots = ["embeddings.", "encoder.", "pooler."];

    /// <summary>
    /// The new name of every key (unchanged keys map to themselves), and the legacy renames among them. Adding or removing
    /// the <c>bert.</c> prefix is how a base model and a task model share weights, so, as in transformers, it is not reported.
    /// </summary>
    public static (Dictionary<string, string> Names, List<RenamedKey> Renamed) Normalise(IEnumerable<string> checkpointKeys,
        bool modelHasBasePrefix)
    {
        var keys = checkpointKeys.ToList();
        var checkpointHasPrefix = keys.Any(k => k.StartsWith(BasePrefix, StringComparison.Ordinal));
        var addPrefix = modelHasBasePrefix && !checkpointHasPrefix;
        var removePrefix = !modelHasBasePrefix && checkpointHasPrefix;
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var renamed = new List<RenamedKey>();
        foreach (var key in keys)
        {
            var name = key;
            if (name.EndsWith(".gamma", StringComparison.Ordinal)) name = name[..^"gamma".Length] + "weight";
            else if (name.EndsWith(".beta", StringComparison.Ordinal)) name = name[..^"beta".Length] + "bias";
            if (name != key) renamed.Add(new RenamedKey(key, name));
            if (addPrefix && BaseModelRoots.Any(r => name.StartsWith(r, StringComparison.Ordinal))) name = BasePrefix + name;
            else if (removePrefix && name.StartsWith(BasePrefix, StringComparison.Ordinal)) name = name[BasePrefix.Length..];
            names[key] = name;
        }
        var clash = names.GroupBy(p => p.Value).FirstOrDefault(g => g.Count() > 1);
        if (clash is not null)
            throw new InvalidDataException($"The checkpoint holds both {string.Join(" and ", clash.Select(p => p.Key))}, " +
                $"which name the same tensor {clash.Key}.");
        return (names, renamed);
    }

    /// <summary>Checkpoint tensors that no BERT classifier uses and transformers drops without complaint.</summary>
    public static bool IsIgnorable(string key) =>
        key.EndsWith("embeddings.position_ids", StringComparison.Ordinal) || key.StartsWith("cls.", StringComparison.Ordinal);
}
