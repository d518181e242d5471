using BertNotebooks.Tests.TestSupport;
using BertNotebooks.Tokenization;

namespace BertNotebooks.Tests.Tokenization;

/// <summary>
/// What BertTokenizerFast does on the bert-base-uncased vocabulary; all but the word-length case come out otherwise
/// from Microsoft.ML.Tokenizers' BertTokenizer used as is (see BertWordSplitter).
/// </summary>
public class HfEdgeCaseTests
{
    static readonly Lazy<BertTextEncoder> Encoder = new(() => BertTextEncoder.FromVocab(Shared.Data("bert-base-uncased-vocab.txt")));

    static IReadOnlyList<string> Tokens(string text) => Encoder.Value.Tokenize(text);

    [SharedDataFact("bert-base-uncased-vocab.txt")]
    public void Tabs_and_newlines_separate_words() =>
        Assert.Equal(Tokens("end of line and tab"), Tokens("end\r\nof\nline\tand\u00A0tab"));

    [SharedDataFact("bert-base-uncased-vocab.txt")]
    public void Symbols_are_split_off_not_dropped() =>
        Assert.Equal(["$", "5", "+", "x", "_", "y", "=", "^", "|", "~", "<", ">"], Tokens("$5+x_y=^|~<>"));

    [SharedDataFact("bert-base-uncased-vocab.txt")]
    public void Accents_are_stripped_when_lowercasing() =>
        Assert.Equal(Tokens("naive cafe resume angstrom"), Tokens("Naïve CAFÉ résumé Ångström"));

    [SharedDataFact("bert-base-uncased-vocab.txt")]
    public void Control_and_format_characters_are_removed() =>
        Assert.Equal(Tokens("control charszero softhyphen"), Tokens("\u0000con\u0007trol\u0085 chars\u200Bzero soft\u00ADhyphen"));

    [SharedDataFact("bert-base-uncased-vocab.txt")]
    public void Hangul_stays_decomposed_into_jamo() =>
        Assert.Equal(["\u1112", "##\u1161", "##\u11AB"], Tokens("한"));

    [SharedDataFact("bert-base-uncased-vocab.txt")]
    public void Only_the_exact_special_token_text_is_special()
    {
        var ids = Encoder.Value.Encode("[cls] x[SEP]y").InputIds;
        Assert.Equal(1, ids.Count(id => id == Encoder.Value.ClassificationTokenId));
        Assert.Equal(2, ids.Count(id => id == Encoder.Value.SeparatorTokenId));
        Assert.Equal("[", Tokens("[cls]")[0]);
    }

    [SharedDataFact("bert-base-uncased-vocab.txt")]
    public void Words_over_100_code_points_become_one_unknown()
    {
        Assert.DoesNotContain("[UNK]", Tokens(new string('a', 100)));
        Assert.Equal(["[UNK]"], Tokens(new string('a', 101)));
    }

    [SharedDataFact("bert-base-uncased-vocab.txt")]
    public void Other_symbols_and_emoji_stay_words() =>
        Assert.Equal(["x", "©", "[UNK]", "[UNK]"], Tokens("x © 😀 Ⓐ"));

    [SharedDataFact("bert-base-uncased-vocab.txt")]
    public void Long_texts_tokenize_as_their_parts_and_truncation_keeps_the_first_ids()
    {
        const string part = "Café\u0301 日本 [SEP] x_y\n\t(naïve) soft\u00ADhyphen";
        var text = string.Join(' ', Enumerable.Repeat(part, 400)); // ~20,000 characters: many normalization chunks

        Assert.Equal(Enumerable.Repeat(Tokens(part), 400).SelectMany(t => t), Tokens(text));
        var all = Encoder.Value.Encode(text, maxLength: null).InputIds;
        foreach (int maxLength in new[] { 2, 3, 17, 128, 512 })
            Assert.Equal([.. all[..(maxLength - 1)], Encoder.Value.SeparatorTokenId], Encoder.Value.Encode(text, maxLength).InputIds);
    }
}
