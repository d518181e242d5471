using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace BertNotebooks.Serve;

/// <summary>
/// What Hugging Face's BERT tokenizer does before WordPiece, for Microsoft.ML.Tokenizers' BertTokenizer to use instead of
/// its own: the model was trained on Hugging Face's ids. Its own normalizer deletes \t \n \r ("end\nof" becomes "endof"),
/// and its pre-tokenizer (<c>\w+|\p{P}</c>) drops symbols such as $ + = ^ | ~ &lt; &gt;.
/// Normalizer (transformers' BertNormalizer): control characters removed, whitespace to spaces, CJK characters spaced
/// out, accents stripped (NFD, then no non-spacing marks), lowercased.
/// </summary>
sealed class HfBertNormalizer(bool lowerCase, bool spaceOutCjk, bool stripAccents) : Normalizer
{
    /// <summary>transformers' BertPreTokenizer: split on whitespace, and every punctuation character (ASCII or P*) alone.</summary>
    public static PreTokenizer PreTokenizer { get; } = new RegexPreTokenizer(
        new Regex(@"[^\s\p{P}!-/:-@\[-`{-~]+|[\p{P}!-/:-@\[-`{-~]", RegexOptions.Compiled), specialTokens: null);

    public override string Normalize(string original) => Normalize(original.AsSpan());

    public override string Normalize(ReadOnlySpan<char> original)
    {
        var text = new StringBuilder(original.Length);
        foreach (var rune in original.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (rune.Value is '\t' or '\n' or '\r' || category == UnicodeCategory.SpaceSeparator) text.Append(' ');
            else if (rune.Value is 0 or 0xFFFD || category is UnicodeCategory.Control or UnicodeCategory.Format
                         or UnicodeCategory.PrivateUse) continue;
            else if (spaceOutCjk && IsCjk(rune.Value)) text.Append(' ').Append(rune).Append(' ');
            else text.Append(rune);
        }
        var normalized = text.ToString();
        if (stripAccents)
            normalized = string.Concat(normalized.Normalize(NormalizationForm.FormD)
                .Where(c => CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark));
        return lowerCase ? normalized.ToLowerInvariant() : normalized;
    }

    // The CJK Unified Ideographs blocks, as BERT's original tokenizer defines "Chinese characters".
    static bool IsCjk(int c) => c is >= 0x4E00 and <= 0x9FFF or >= 0x3400 and <= 0x4DBF or >= 0x20000 and <= 0x2A6DF
        or >= 0x2A700 and <= 0x2B73F or >= 0x2B740 and <= 0x2B81F or >= 0x2B820 and <= 0x2CEAF or >= 0xF900 and <= 0xFAFF
        or >= 0x2F800 and <= 0x2FA1F;
}
