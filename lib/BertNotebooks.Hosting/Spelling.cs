namespace BertNotebooks.Hosting;

/// <summary>The closest valid spelling to a mistyped name, for "did you mean" hints.</summary>
public static class Spelling
{
    /// <summary>
    /// The candidate with the fewest single-character edits from <paramref name="typed"/> (case-insensitive, leading dashes
    /// ignored), when that is at most a third of its length (and at least 2): a typo, not a different word.
    /// </summary>
    public static string? Closest(string typed, IEnumerable<string> candidates)
    {
        var word = typed.TrimStart('-').ToLowerInvariant();
        var limit = Math.Max(2, word.Length / 3);
        return candidates
            .Select(c => (Candidate: c, Distance: Distance(word, c.TrimStart('-').ToLowerInvariant())))
            .Where(c => c.Distance <= limit)
            .OrderBy(c => c.Distance)
            .Select(c => c.Candidate)
            .FirstOrDefault();
    }

    /// <summary>Levenshtein distance: insertions, deletions and substitutions, one row at a time.</summary>
    static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        var current = new int[b.Length + 1];
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
