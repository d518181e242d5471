namespace BertNotebooks.Data;

/// <summary>How <see cref="DatasetSpec.Load"/> prepares the data it reads.</summary>
public sealed record DatasetLoadOptions
{
    /// <summary>The validation split made when no validation file is given (and for 20 Newsgroups, from its training messages).</summary>
    public SplitOptions Split { get; init; } = new();

    /// <summary>Leave bad rows out instead of stopping; they are listed in <see cref="DatasetSplits.Skipped"/>.</summary>
    public bool SkipBadRows { get; init; }

    /// <summary>Source, cleaning and download settings for 20 Newsgroups (the spec's categories override these).</summary>
    public NewsgroupsOptions? Newsgroups { get; init; }
}
