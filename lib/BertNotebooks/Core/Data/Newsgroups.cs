namespace BertNotebooks.Data;

/// <summary>
/// 20 Newsgroups as scikit-learn's <c>fetch_20newsgroups</c> gives it: the bydate split, class names in sorted folder order,
/// messages decoded as latin-1 and cleaned by <see cref="NewsgroupCleaning"/>.
/// </summary>
public static class Newsgroups
{
    public const string ArchiveName = "20news-bydate.tar.gz";

    /// <summary>scikit-learn's mirror of the official archive and the sha256 it records for it.</summary>
    public const string OfficialUrl = "https://ndownloader.figshare.com/files/5975967";
    public const string OfficialSha256 = "8f1b2514ca22a5ade8fbb9cfa5727df95fa587f4c87b786e15c759fa66d95610";

    /// <summary>
    /// The archive or folder to read: a local source when one is named (option or BERTNB_20NG), else the cached official
    /// archive, else the official archive downloaded into the cache.
    /// </summary>
    public static string ResolveSource(NewsgroupsOptions options)
    {
        if (options.LocalSource is { } local)
            return File.Exists(local) || Directory.Exists(local)
                ? local
                : throw new FileNotFoundException(
                    $"The 20 Newsgroups source {local} (LocalSource option or BERTNB_20NG) does not exist: " +
                    "point it at 20news-bydate.tar.gz or its extracted folder, or unset it to use the cache and download.", local);
        var cached = Path.Combine(options.CacheDirectory, ArchiveName);
        if (File.Exists(cached)) return cached;
        if (!options.AllowDownload)
            throw new FileNotFoundException(
                $"{cached} is not there and downloads are off: put 20news-bydate.tar.gz there, or point BERTNB_20NG at a copy.", cached);
        NewsgroupsDownload.Fetch(options.DownloadUrl, cached, OfficialSha256, options.DownloadProgress);
        return cached;
    }

    /// <summary>One subset, cleaned, in scikit-learn's file order (sorted by path; "all" is train then test).</summary>
    public static TextDataset Load(NewsgroupsSubset subset, NewsgroupsOptions? options = null)
    {
        options ??= new NewsgroupsOptions();
        var source = ResolveSource(options);
        NewsgroupsSplit[] splits = subset switch
        {
            NewsgroupsSubset.Train => [NewsgroupsSplit.Train],
            NewsgroupsSubset.Test => [NewsgroupsSplit.Test],
            _ => [NewsgroupsSplit.Train, NewsgroupsSplit.Test],
        };
        var messages = NewsgroupsReader.Read(source, splits.ToHashSet());
        return ToDataset(source, messages, splits, options);
    }

    /// <summary>
    /// Train and validation split from <see cref="NewsgroupsOptions.Subset"/>; the bydate test half as the test set unless it was pooled.
    /// </summary>
    public static DatasetSplits LoadSplits(SplitOptions split, NewsgroupsOptions? options = null)
    {
        options ??= new NewsgroupsOptions();
        if (options.Subset == NewsgroupsSubset.Test)
            throw new ArgumentException("Split the Train or All subset; the bydate test half is only ever a test set.", nameof(options));
        var source = ResolveSource(options);
        var messages = NewsgroupsReader.Read(source, new HashSet<NewsgroupsSplit> { NewsgroupsSplit.Train, NewsgroupsSplit.Test });
        bool pooled = options.Subset == NewsgroupsSubset.All;
        var toSplit = ToDataset(source, messages, pooled ? [NewsgroupsSplit.Train, NewsgroupsSplit.Test] : [NewsgroupsSplit.Train],
            options);
        var test = pooled ? null : ToDataset(source, messages, [NewsgroupsSplit.Test], options);
        var (train, validation) = DatasetSplitter.Split(toSplit, split);
        return new DatasetSplits(train, validation, test);
    }

    static TextDataset ToDataset(string source, List<NewsgroupsMessage> messages, NewsgroupsSplit[] splits, NewsgroupsOptions options)
    {
        var groupsBySplit = splits.Select(s => (Split: s, Groups: messages.Where(m => m.Split == s).Select(m => m.Group)
            .Distinct().Order(StringComparer.Ordinal).ToArray())).ToArray();
        foreach (var (split, groups) in groupsBySplit)
            if (groups.Length == 0) throw NewsgroupsLayout.Missing(NewsgroupsLayout.FolderName(split), source);
        var allGroups = groupsBySplit[0].Groups;
        if (groupsBySplit.Any(g => !g.Groups.SequenceEqual(allGroups, StringComparer.Ordinal)))
            throw new DatasetFormatException(source, null,
                $"{NewsgroupsLayout.TrainFolder}/ and {NewsgroupsLayout.TestFolder}/ hold different newsgroups; " +
                "use a complete 20news-bydate archive.");

        var classNames = SelectCategories(allGroups, options.Categories);
        var labelOf = classNames.Select((name, label) => (name, label)).ToDictionary(p => p.name, p => p.label, StringComparer.Ordinal);
        // scikit-learn lists each folder's files sorted by name, folders in sorted order, train before test.
        var ordered = messages
            .Where(m => splits.Contains(m.Split) && labelOf.ContainsKey(m.Group))
            .OrderBy(m => m.Split)
            .ThenBy(m => m.Group, StringComparer.Ordinal)
            .ThenBy(m => m.FileName, StringComparer.Ordinal)
            .ToArray();
        var examples = new TextExample[ordered.Length];
        Parallel.For(0, ordered.Length, i =>
            examples[i] = new TextExample(NewsgroupCleaning.Clean(ordered[i].Text, options.Cleaning), null, labelOf[ordered[i].Group]));
        return new TextDataset(examples, classNames);
    }

    static string[] SelectCategories(string[] groups, IReadOnlyList<string>? categories)
    {
        if (categories is null) return groups;
        var unknown = categories.Where(c => !groups.Contains(c, StringComparer.Ordinal)).ToArray();
        if (unknown.Length > 0)
            throw new ArgumentException(
                $"Unknown 20 Newsgroups categor{(unknown.Length == 1 ? "y" : "ies")} {string.Join(", ", unknown.Select(u => $"'{u}'"))}; " +
                $"the valid ones are: {string.Join(", ", groups)}.", nameof(categories));
        return groups.Where(g => categories.Contains(g, StringComparer.Ordinal)).ToArray();
    }
}
