using System.Text;

namespace BertNotebooks.Checkpoints;

/// <summary>A checkpoint key read under its current name (legacy LayerNorm <c>gamma</c>/<c>beta</c>).</summary>
public sealed record RenamedKey(string From, string To);

/// <summary>A model tensor the checkpoint did not provide, freshly initialised the HF way, and why.</summary>
public sealed record InitialisedKey(string Key, string Reason);

/// <summary>
/// What loading a checkpoint into a model did beyond copying tensors one to one, as transformers reports it:
/// keys renamed, checkpoint tensors dropped because the model has no place for them, model tensors initialised.
/// </summary>
public sealed record LoadReport(string Source, IReadOnlyList<RenamedKey> Renamed, IReadOnlyList<string> Dropped,
    IReadOnlyList<InitialisedKey> Initialised)
{
    /// <summary>True when every model tensor came from the checkpoint, under its own name, and nothing was left over.</summary>
    public bool IsExact => Renamed.Count == 0 && Dropped.Count == 0 && Initialised.Count == 0;

    public override string ToString()
    {
        var text = new StringBuilder($"Loaded {Source}");
        if (IsExact) return text.Append(": every tensor matched the model exactly.").ToString();
        text.AppendLine(":");
        if (Initialised.Count > 0)
        {
            text.AppendLine($"  Initialised (not in the checkpoint; train them before use): {Initialised.Count}");
            foreach (var k in Initialised) text.AppendLine($"    {k.Key} ({k.Reason})");
        }
        if (Dropped.Count > 0)
        {
            text.AppendLine($"  Dropped (in the checkpoint, not used by this model): {Dropped.Count}");
            foreach (var k in Dropped) text.AppendLine($"    {k}");
        }
        if (Renamed.Count > 0)
        {
            text.AppendLine($"  Renamed (legacy names): {Renamed.Count}");
            foreach (var k in Renamed) text.AppendLine($"    {k.From} -> {k.To}");
        }
        return text.ToString().TrimEnd();
    }
}
