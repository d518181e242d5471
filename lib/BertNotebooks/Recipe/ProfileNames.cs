namespace BertNotebooks.Recipe;

/// <summary>
/// The profiles' names, in one place for <see cref="RunSettings"/> and the runner's <c>--profile</c> (this file is compiled into both).
/// </summary>
static class ProfileNames
{
    public static readonly IReadOnlyList<string> All = ["smoke", "quick", "full"];
}
