namespace BertNotebooks.Recipe;

/// <summary>
/// How a program that runs notebooks (<c>bertnb-run</c>) asks the training in a cell to stop and save a checkpoint: it puts
/// a cancellation token into <see cref="AppContext"/> under <see cref="AppContextKey"/>, and <see cref="RecipeStages.Train"/>
/// watches it when its caller passes no token, so notebook code needs none of its own. AppContext rather than a shared
/// static: the runner's copy of this library and the one a notebook #r's (bin/notebooks/) may load side by side in one
/// process, each with its own statics, so the two meet on a key.
/// </summary>
public static class Interruption
{
    public const string AppContextKey = "BertNotebooks.Interruption";

    /// <summary>The token the host set, or none.</summary>
    public static CancellationToken Token => AppContext.GetData(AppContextKey) is CancellationToken token ? token : CancellationToken.None;
}
