namespace BertNotebooks.Data;

/// <summary>
/// The bydate layout, checked entry by entry: <c>20news-bydate-{train,test}/&lt;group&gt;/&lt;file&gt;</c> and nothing else.
/// Entry names are never used as disk paths, but a name that tries to leave the archive marks it as hostile or broken.
/// </summary>
public static class NewsgroupsLayout
{
    public const string TrainFolder = "20news-bydate-train";
    public const string TestFolder = "20news-bydate-test";

    public static string FolderName(NewsgroupsSplit split) => split == NewsgroupsSplit.Train ? TrainFolder : TestFolder;

    /// <summary>The folders of a relative entry path, with a leading "./" and trailing "/" removed; throws on traversal.</summary>
    internal static string[] Segments(string entryName, string source)
    {
        var name = entryName.Replace('\\', '/');
        if (name.StartsWith('/') || (name.Length > 1 && name[1] == ':'))
            throw Unsafe(entryName, source, "an absolute path");
        var segments = name.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".").ToArray();
        if (segments.Contains(".."))
            throw Unsafe(entryName, source, "a '..' that points outside the archive");
        return segments;
    }

    /// <summary>The split of a top-level folder, or an error naming what was expected.</summary>
    internal static NewsgroupsSplit SplitOf(string folder, string entryName, string source) => folder switch
    {
        TrainFolder => NewsgroupsSplit.Train,
        TestFolder => NewsgroupsSplit.Test,
        _ => throw Unexpected(entryName, source),
    };

    internal static DatasetFormatException Unexpected(string entryName, string source) => new(source, null,
        $"unexpected entry '{entryName}': the 20news-bydate layout holds only {TrainFolder}/<group>/<message> and " +
        $"{TestFolder}/<group>/<message>. Use the original 20news-bydate.tar.gz (delete it and let it download again), or fix the folder.");

    internal static DatasetFormatException Missing(string folder, string source) => new(source, null,
        $"no {folder}/ folder with messages: this is not the 20news-bydate layout. Use the original 20news-bydate.tar.gz " +
        "(delete it and let it download again), or point BERTNB_20NG at a complete copy.");

    static DatasetFormatException Unsafe(string entryName, string source, string what) => new(source, null,
        $"entry '{entryName}' has {what}; refusing to read it. Delete the file and download the original archive again.");
}
