namespace BertNotebooks.Recipe;

/// <summary>
/// The profiles' names, in one place for <see cref="RunSettings"/> and the runner's <c>--profile</c>.
/// </summary>
public static class ProfileNames
{
    public static readonly IReadOnlyList<string> All = ["smoke", "quick", "full"];
}
