namespace BertNotebooks.Tokenization;

/// <summary>
/// Hugging Face's WordPiece model on one word: greedy longest-match-first against the vocabulary, "##" marking a piece
/// that continues a word, and one [UNK] for a word longer than 100 code points or with any piece not in the vocabulary.
/// Lookups take spans of the caller's text, so no piece becomes a string. Read-only once built, so thread-safe.
/// </summary>
internal sealed class WordPiece
{
    public const int MaxCharsPerWord = 100; // HF's max_input_chars_per_word, counted in code points
    const string ContinuationPrefix = "##";

    readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _tokens; // the whole vocabulary
    readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _continuations; // "##x" tokens, keyed by x
    // No piece can be longer than the longest token, so the search for the longest match starts there, not at the word's end.
    readonly int _longestToken, _longestContinuation;
    readonly int _unknownId;

    public WordPiece(IReadOnlyList<string> idToToken, int unknownId)
    {
        var tokens = new Dictionary<string, int>(idToToken.Count, StringComparer.Ordinal);
        var continuations = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int id = 0; id < idToToken.Count; id++)
        {
            var token = idToToken[id];
            tokens.Add(token, id);
            _longestToken = Math.Max(_longestToken, token.Length);
            if (token.Length > ContinuationPrefix.Length && token.StartsWith(ContinuationPrefix, StringComparison.Ordinal))
            {
                continuations.Add(token[ContinuationPrefix.Length..], id);
                _longestContinuation = Math.Max(_longestContinuation, token.Length - ContinuationPrefix.Length);
            }
        }
        _tokens = tokens.GetAlternateLookup<ReadOnlySpan<char>>();
        _continuations = continuations.GetAlternateLookup<ReadOnlySpan<char>>();
        _unknownId = unknownId;
    }

    /// <summary>Appends the ids of <paramref name="word"/>'s pieces to <paramref name="ids"/>.</summary>
    public void Encode(ReadOnlySpan<char> word, List<int> ids)
    {
        if (word.Length > MaxCharsPerWord && CountCodePoints(word) > MaxCharsPerWord)
        {
            ids.Add(_unknownId);
            return;
        }
        if (_tokens.TryGetValue(word, out int id)) // most words are one token: one lookup
        {
            ids.Add(id);
            return;
        }

        int firstPiece = ids.Count;
        var (lookup, longest) = (_tokens, _longestToken);
        for (int start = 0; start < word.Length;)
        {
            // A piece ending inside a surrogate pair never matches (tokens are whole code points), so stepping back by
            // UTF-16 units finds the same pieces as HF stepping back by code points.
            int end = Math.Min(word.Length, start + longest);
            while (end > start && !lookup.TryGetValue(word[start..end], out id)) end--;
            if (end == start)
            {
                ids.RemoveRange(firstPiece, ids.Count - firstPiece);
                ids.Add(_unknownId);
                return;
            }
            ids.Add(id);
            start = end;
            (lookup, longest) = (_continuations, _longestContinuation);
        }
    }

    static int CountCodePoints(ReadOnlySpan<char> span)
    {
        int count = 0;
        foreach (var _ in span.EnumerateRunes()) count++;
        return count;
    }
}
