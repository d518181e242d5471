using System.Buffers;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace BertNotebooks.Tokenization;

/// <summary>Where <see cref="BertWordSplitter"/> sends what it finds, in text order; returning false stops the split.</summary>
internal interface IWordSink
{
    bool Word(ReadOnlySpan<char> word);
    bool SpecialToken(int id);
}

/// <summary>
/// Text to the words that WordPiece sees, the way Hugging Face's BertTokenizerFast makes them (the Rust tokenizers
/// crate): special tokens are cut out of the raw text first, then <c>BertNormalizer</c> (clean, space out CJK, strip
/// accents, lowercase), then <c>BertPreTokenizer</c> (split on whitespace, isolate punctuation).
/// </summary>
/// <remarks>
/// Speed: ASCII letters, digits, spaces and punctuation, nearly all of 20 Newsgroups, go through one table lookup per
/// character into a stack buffer, with no string made. A stretch holding anything else (non-ASCII, or a control
/// character to remove) goes through the general path (a normalized string, then split), from the last ASCII space or
/// punctuation before it to the next one after it: those are word boundaries, and each is its own NFD starter, so
/// normalizing the stretch alone gives what normalizing the whole text would.
/// Why not Microsoft.ML.Tokenizers 2.0.1's basic tokenization: it changes ids on ordinary 20 Newsgroups text. It
/// deletes \t \n \r instead of turning them into spaces ("end\nof" becomes "endof"); its regex <c>\w+|\p{P}</c> drops
/// symbols ($ + = ^ | ~ &lt; &gt; emoji) and keeps '_' inside words; it lowercases only category Lu; it keeps U+200B
/// and U+00AD (HF removes Cc, Cf and Co); it recomposes to NFC (HF keeps NFD, so Hangul stays as jamo); and it matches
/// special tokens after lowercasing, so "[cls]" becomes [CLS] (HF matches "[CLS]" only, on the raw text).
/// One difference from HF is left: tokenizers takes Cc/Cf/Co, P* and Mn from the unicode_categories crate's Unicode 9
/// tables, .NET from current Unicode, so characters assigned or recategorised since 2016 (none in 20 Newsgroups) may differ.
/// </remarks>
internal sealed class BertWordSplitter
{
    enum CharKind : byte { WordPart, Whitespace, Punctuation, Removed, Cjk }

    // Longer ASCII words (only [UNK] awaits them: WordPiece stops at 100 code points) take the general path.
    [InlineArray(128)]
    struct WordBuffer { char _first; } // not stackalloc, which would keep Split out of tiered compilation's profile-guided tier

    // HF's treatment of each ASCII character. Its word parts are exactly the letters and digits, so OR-ing 0x20 lowercases them.
    static readonly CharKind[] AsciiKinds = [.. Enumerable.Range(0, 128).Select(c => Kind(new Rune(c)))];

    readonly (string Token, int Id)[] _specialTokens; // longest first: HF matches leftmost-longest
    readonly SearchValues<char> _specialTokenStarts;
    readonly bool _lowerCase;
    readonly SearchValues<char> _asciiBoundaries; // ASCII whitespace and punctuation: where a general-path stretch ends

    public BertWordSplitter(IReadOnlyDictionary<string, int> specialTokens, bool lowerCase)
    {
        _specialTokens = specialTokens.Select(kv => (kv.Key, kv.Value)).OrderByDescending(t => t.Key.Length).ToArray();
        _specialTokenStarts = SearchValues.Create(_specialTokens.Select(t => t.Token[0]).Distinct().ToArray());
        _lowerCase = lowerCase;
        _asciiBoundaries = SearchValues.Create([.. Enumerable.Range(0, 128)
            .Where(c => AsciiKinds[c] is CharKind.Whitespace or CharKind.Punctuation)
            .Select(c => (char)c)]);
        // The fast path looks for special tokens at ASCII punctuation only, and the general path never sees one.
        if (_specialTokens.FirstOrDefault(t => t.Token[0] >= 128 || AsciiKinds[t.Token[0]] != CharKind.Punctuation).Token is { } odd)
            throw new ArgumentException($"Special token '{odd}' does not start with ASCII punctuation, as BERT's [CLS], [SEP]… do.",
                nameof(specialTokens));
    }

    /// <summary>Sends the words of <paramref name="text"/> and its special tokens to <paramref name="sink"/>, until it says stop.</summary>
    public void Split<TSink>(ReadOnlySpan<char> text, ref TSink sink) where TSink : struct, IWordSink
    {
        var buffer = new WordBuffer();
        Span<char> word = buffer;
        int lowerCaseBit = _lowerCase ? 0x20 : 0;
        for (int i = 0; i < text.Length;) // i is where a word may start: at 0 or just after a boundary
        {
            int length = ReadLettersAndDigits(text[i..], word, lowerCaseBit);
            int end = i + length;
            if (end == text.Length)
            {
                if (length > 0) sink.Word(word[..length]);
                return;
            }
            char c = text[end];
            if (c >= 128 || length == word.Length || AsciiKinds[c] is not (CharKind.Whitespace or CharKind.Punctuation))
            {
                // Not ASCII, a character to remove, or a word too long for the buffer: the general path takes the
                // stretch up to the next boundary.
                int next = text[end..].IndexOfAny(_asciiBoundaries);
                int stretchEnd = next < 0 ? text.Length : end + next;
                if (!SplitGeneral(text[i..stretchEnd], ref sink)) return;
                i = stretchEnd;
                continue;
            }
            if (length > 0 && !sink.Word(word[..length])) return;
            i = end + 1;
            if (AsciiKinds[c] == CharKind.Whitespace) continue;
            if (_specialTokenStarts.Contains(c) && MatchSpecialToken(text[end..]) is { Token: not null } special)
            {
                if (!sink.SpecialToken(special.Id)) return;
                i = end + special.Token.Length;
            }
            else if (!sink.Word(text.Slice(end, 1))) return; // ASCII punctuation has no case
        }
    }

    /// <summary>
    /// Copies the ASCII letters and digits that <paramref name="text"/> starts with into <paramref name="word"/> (lowercased if asked), as
    /// many as fit.
    /// </summary>
    static int ReadLettersAndDigits(ReadOnlySpan<char> text, Span<char> word, int lowerCaseBit)
    {
        int length = 0;
        for (int end = Math.Min(text.Length, word.Length); length < end; length++)
        {
            char c = text[length];
            if (c >= 128 || AsciiKinds[c] != CharKind.WordPart) break;
            word[length] = (char)(c | lowerCaseBit);
        }
        return length;
    }

    /// <summary>The path for any text, special tokens aside: HF's normalizer on the whole of it, then its pre-tokenizer.</summary>
    internal bool SplitGeneral<TSink>(ReadOnlySpan<char> text, ref TSink sink) where TSink : struct, IWordSink
    {
        var clean = Normalize(text);
        int wordStart = -1;
        for (int i = 0; i < clean.Length;)
        {
            Rune.DecodeFromUtf16(clean.AsSpan(i), out var rune, out int width);
            bool space = Rune.IsWhiteSpace(rune), punctuation = !space && IsPunctuation(rune);
            if ((space || punctuation) && wordStart >= 0)
            {
                if (!sink.Word(clean.AsSpan(wordStart, i - wordStart))) return false;
                wordStart = -1;
            }
            if (punctuation && !sink.Word(clean.AsSpan(i, width))) return false;
            if (!space && !punctuation && wordStart < 0) wordStart = i;
            i += width;
        }
        return wordStart < 0 || sink.Word(clean.AsSpan(wordStart));
    }

    (string? Token, int Id) MatchSpecialToken(ReadOnlySpan<char> text)
    {
        foreach (var (token, id) in _specialTokens)
            if (text.StartsWith(token, StringComparison.Ordinal)) return (token, id);
        return default;
    }

    /// <summary>HF's BertNormalizer with clean_text and handle_chinese_chars on, and strip_accents following lowercase.</summary>
    string Normalize(ReadOnlySpan<char> segment)
    {
        var cleaned = new StringBuilder(segment.Length);
        for (int i = 0; i < segment.Length;)
        {
            // A lone surrogate decodes as U+FFFD, which is removed like HF removes U+FFFD.
            Rune.DecodeFromUtf16(segment[i..], out var rune, out int width);
            var text = segment.Slice(i, width);
            i += width;
            switch (Kind(rune))
            {
                case CharKind.Removed: break;
                case CharKind.Whitespace: cleaned.Append(' '); break;
                case CharKind.Cjk: cleaned.Append(' ').Append(text).Append(' '); break;
                default: cleaned.Append(text); break;
            }
        }
        var result = cleaned.ToString();
        if (!_lowerCase) return result;

        // HF strips accents (NFD, then drop Mn) before it lowercases, and never recomposes. ASCII has nothing to strip.
        if (!Ascii.IsValid(result))
        {
            var decomposed = result.Normalize(NormalizationForm.FormD);
            var stripped = new StringBuilder(decomposed.Length);
            for (int i = 0; i < decomposed.Length;)
            {
                Rune.DecodeFromUtf16(decomposed.AsSpan(i), out var rune, out int width);
                if (Rune.GetUnicodeCategory(rune) != UnicodeCategory.NonSpacingMark) stripped.Append(decomposed.AsSpan(i, width));
                i += width;
            }
            result = stripped.ToString();
        }
        // Per code point, like Rust's char::to_lowercase (no final-sigma rule); İ cannot occur here, NFD split it.
        return result.ToLowerInvariant();
    }

    /// <summary>What HF's normalizer and pre-tokenizer do with a character of the raw text.</summary>
    static CharKind Kind(Rune r) =>
        r.Value is 0 or 0xFFFD || IsControl(r) ? CharKind.Removed
        : IsWhitespace(r) ? CharKind.Whitespace
        : IsCjk(r.Value) ? CharKind.Cjk
        : IsPunctuation(r) ? CharKind.Punctuation
        : CharKind.WordPart;

    // tokenizers counts \t \n \r as whitespace, not control; everything else in Cc, Cf or Co is removed.
    static bool IsControl(Rune r) =>
        r.Value is not ('\t' or '\n' or '\r') &&
        Rune.GetUnicodeCategory(r) is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.PrivateUse;

    static bool IsWhitespace(Rune r) => r.Value is '\t' or '\n' or '\r' || Rune.IsWhiteSpace(r);

    // Rust's is_ascii_punctuation covers symbols too ($ + < = > ^ ` | ~), then any Unicode P* category.
    static bool IsPunctuation(Rune r) =>
        r.Value is >= 0x21 and <= 0x2F or >= 0x3A and <= 0x40 or >= 0x5B and <= 0x60 or >= 0x7B and <= 0x7E ||
        Rune.IsPunctuation(r);

    // tokenizers' ranges, including its 0x2B920 where Google's BERT says 0x2B820: we follow what HF runs.
    static bool IsCjk(int cp) =>
        cp is >= 0x4E00 and <= 0x9FFF or >= 0x3400 and <= 0x4DBF or >= 0x20000 and <= 0x2A6DF or >= 0x2A700 and <= 0x2B73F
            or >= 0x2B740 and <= 0x2B81F or >= 0x2B920 and <= 0x2CEAF or >= 0xF900 and <= 0xFAFF or >= 0x2F800 and <= 0x2FA1F;
}
