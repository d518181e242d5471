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

    // Every token is in one of the two: short ASCII ones (nearly all) packed, the others in dictionaries.
    readonly PackedTokenTable _packed; // the flag marks continuations: "##x" keyed by x
    readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _tokens;
    readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _continuations; // keyed without the "##"
    // No piece can be longer than the longest token, so the search for the longest match starts there, not at the word's end.
    readonly int _longestToken, _longestContinuation;
    readonly int _unknownId;

    public WordPiece(IReadOnlyList<string> idToToken, int unknownId)
    {
        var packed = new List<(PackedTokenTable.Key, int)>(idToToken.Count);
        var tokens = new Dictionary<string, int>(StringComparer.Ordinal);
        var continuations = new Dictionary<string, int>(StringComparer.Ordinal);
        void Add(string text, bool continuation, int id)
        {
            if (PackedTokenTable.TryPack(text, continuation, out var key)) packed.Add((key, id));
            else (continuation ? continuations : tokens).Add(text, id);
        }
        for (int id = 0; id < idToToken.Count; id++)
        {
            var token = idToToken[id];
            Add(token, continuation: false, id);
            _longestToken = Math.Max(_longestToken, token.Length);
            if (token.Length > ContinuationPrefix.Length && token.StartsWith(ContinuationPrefix, StringComparison.Ordinal))
            {
                Add(token[ContinuationPrefix.Length..], continuation: true, id);
                _longestContinuation = Math.Max(_longestContinuation, token.Length - ContinuationPrefix.Length);
            }
        }
        _packed = new PackedTokenTable(packed);
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
        int firstPiece = ids.Count;
        for (int start = 0; start < word.Length;)
        {
            int length = LongestToken(word[start..], continuation: start > 0, out int id);
            if (length == 0)
            {
                ids.RemoveRange(firstPiece, ids.Count - firstPiece);
                ids.Add(_unknownId);
                return;
            }
            ids.Add(id);
            start += length;
        }
    }

    /// <summary>The length of the longest token that <paramref name="text"/> starts with, and its id; 0 where none does.</summary>
    /// <remarks>
    /// The first try is the whole word, which is all that most words need. Stepping back by UTF-16 units finds what HF
    /// finds stepping back by code points: a piece ending inside a surrogate pair matches no token.
    /// </remarks>
    int LongestToken(ReadOnlySpan<char> text, bool continuation, out int id)
    {
        int length = Math.Min(text.Length, continuation ? _longestContinuation : _longestToken);
        // Pieces up to the end of the packed ASCII start are in the packed table; longer ones only in the dictionary.
        int packed = PackedTokenTable.PackAsciiPrefix(text[..length], continuation, out var key);
        var dictionary = continuation ? _continuations : _tokens;
        for (; length > packed; length--)
            if (dictionary.TryGetValue(text[..length], out id)) return length;
        for (; length > 0; length--)
            if (_packed.TryGetValue(key.Prefix(length), out id)) return length;
        id = -1;
        return 0;
    }

    static int CountCodePoints(ReadOnlySpan<char> span)
    {
        int count = 0;
        foreach (var _ in span.EnumerateRunes()) count++;
        return count;
    }
}
