using System.Buffers;
using System.Globalization;
using System.Text;

namespace BertNotebooks.Tokenization;

/// <summary>One word for WordPiece (a range of the normalized text), or a special token found in the raw text.</summary>
internal readonly record struct WordSpan(int Start, int Length, int SpecialTokenId = -1)
{
    public bool IsSpecial => SpecialTokenId >= 0;
}

/// <summary>
/// Text to the words that WordPiece sees, the way Hugging Face's BertTokenizerFast makes them (the Rust tokenizers
/// crate): special tokens are cut out of the raw text first, then <c>BertNormalizer</c> (clean, space out CJK, strip
/// accents, lowercase), then <c>BertPreTokenizer</c> (split on whitespace, isolate punctuation).
/// </summary>
/// <remarks>
/// Microsoft.ML.Tokenizers 2.0.1's own basic tokenization differs from HF in ways that change ids on ordinary
/// 20 Newsgroups text, which is why it is bypassed and only its WordPiece is used:
/// it deletes \t \n \r (category Cc) instead of turning them into spaces, so "end\nof" becomes one word "endof";
/// its pre-tokenizer regex <c>\w+|\p{P}</c> drops every symbol ($ + = ^ | ~ &lt; &gt; emoji) and keeps '_' inside words;
/// it only strips accents when asked (HF strips them whenever it lowercases, unless told otherwise);
/// it lowercases only category Lu (HF lowercases titlecase letters, Ⓐ, Ⅻ…); it keeps format characters such as U+200B
/// and U+00AD (HF removes Cc, Cf and Co); it recomposes to NFC at the end (HF keeps NFD, so Hangul stays as jamo);
/// and it matches special tokens after lowercasing, so "[cls]" becomes [CLS] (HF matches "[CLS]" only, on the raw text).
/// One difference is left: tokenizers takes Cc/Cf/Co, P* and Mn from the unicode_categories crate's Unicode 9 tables,
/// .NET from current Unicode, so characters assigned or recategorised since 2016 (none in 20 Newsgroups) may differ.
/// </remarks>
internal sealed class BertWordSplitter
{
    readonly (string Token, int Id)[] _specialTokens; // longest first: HF matches leftmost-longest
    readonly SearchValues<char> _specialTokenStarts;
    readonly bool _lowerCase;

    public BertWordSplitter(IReadOnlyDictionary<string, int> specialTokens, bool lowerCase)
    {
        _specialTokens = specialTokens.Select(kv => (kv.Key, kv.Value)).OrderByDescending(t => t.Key.Length).ToArray();
        _specialTokenStarts = SearchValues.Create(_specialTokens.Select(t => t.Token[0]).Distinct().ToArray());
        _lowerCase = lowerCase;
    }

    /// <summary>
    /// Fills <paramref name="words"/> in text order and returns the normalized text that their ranges index. It may stop
    /// once it has <paramref name="maxWords"/> words: each word gives WordPiece at least one id, so a caller that keeps
    /// the first n ids needs no more than n words.
    /// </summary>
    public string Split(string text, List<WordSpan> words, int maxWords = int.MaxValue)
    {
        words.Clear();
        var normalized = new StringBuilder(Math.Min(text.Length, 4 * ChunkChars) + 16);
        int segmentStart = 0;
        for (int i = 0; i < text.Length && words.Count < maxWords;)
        {
            int next = text.AsSpan(i).IndexOfAny(_specialTokenStarts);
            if (next < 0) break;
            i += next;
            if (MatchSpecialToken(text.AsSpan(i)) is { Token: not null } special)
            {
                AppendWords(text.AsSpan(segmentStart, i - segmentStart), normalized, words, maxWords);
                words.Add(new WordSpan(normalized.Length, 0, special.Id));
                i += special.Token.Length;
                segmentStart = i;
            }
            else i++;
        }
        if (words.Count < maxWords) AppendWords(text.AsSpan(segmentStart), normalized, words, maxWords);
        return normalized.ToString();
    }

    const int ChunkChars = 4096;

    // Chunks end just after a space or newline: always a word boundary for HF, and NFD never moves a mark across one,
    // so chunk by chunk gives the same words as the whole text, and a truncating caller need not normalize the rest.
    void AppendWords(ReadOnlySpan<char> segment, StringBuilder normalized, List<WordSpan> words, int maxWords)
    {
        while (!segment.IsEmpty && words.Count < maxWords)
        {
            int end = segment.Length;
            if (end > ChunkChars && segment[ChunkChars..].IndexOfAny(' ', '\n') is var boundary and >= 0) end = ChunkChars + boundary + 1;
            AppendChunkWords(segment[..end], normalized, words);
            segment = segment[end..];
        }
    }

    (string? Token, int Id) MatchSpecialToken(ReadOnlySpan<char> text)
    {
        foreach (var (token, id) in _specialTokens)
            if (text.StartsWith(token, StringComparison.Ordinal)) return (token, id);
        return default;
    }

    void AppendChunkWords(ReadOnlySpan<char> chunk, StringBuilder normalized, List<WordSpan> words)
    {
        var clean = Normalize(chunk);
        int offset = normalized.Length;
        normalized.Append(clean);
        int wordStart = -1;
        for (int i = 0; i < clean.Length;)
        {
            Rune.DecodeFromUtf16(clean.AsSpan(i), out var rune, out int width);
            bool space = Rune.IsWhiteSpace(rune), punctuation = !space && IsPunctuation(rune);
            if ((space || punctuation) && wordStart >= 0)
            {
                words.Add(new WordSpan(offset + wordStart, i - wordStart));
                wordStart = -1;
            }
            if (punctuation) words.Add(new WordSpan(offset + i, width));
            else if (!space && wordStart < 0) wordStart = i;
            i += width;
        }
        if (wordStart >= 0) words.Add(new WordSpan(offset + wordStart, clean.Length - wordStart));
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
            if (rune.Value is 0 or 0xFFFD || IsControl(rune)) continue;
            if (IsWhitespace(rune)) cleaned.Append(' ');
            else if (IsCjk(rune.Value)) cleaned.Append(' ').Append(text).Append(' ');
            else cleaned.Append(text);
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
