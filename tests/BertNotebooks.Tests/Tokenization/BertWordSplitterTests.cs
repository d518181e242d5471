using System.Text;
using BertNotebooks.Tokenization;

namespace BertNotebooks.Tests.Tokenization;

/// <summary>
/// The ASCII fast path must give exactly the words that HF's normalizer and pre-tokenizer give, as the general path does.
/// </summary>
public class BertWordSplitterTests
{
    static readonly Dictionary<string, int> Specials = new()
    {
        ["[PAD]"] = 0, ["[UNK]"] = 100, ["[CLS]"] = 101, ["[SEP]"] = 102, ["[MASK]"] = 103
    };

    struct Collector : IWordSink
    {
        public List<string> Found;
        public int StopAfter;

        public bool Word(ReadOnlySpan<char> word)
        {
            Found.Add(word.ToString());
            return Found.Count < StopAfter;
        }

        public bool SpecialToken(int id)
        {
            Found.Add($"<special {id}>");
            return Found.Count < StopAfter;
        }
    }

    static List<string> Split(BertWordSplitter splitter, string text, int stopAfter = int.MaxValue)
    {
        var collector = new Collector { Found = [], StopAfter = stopAfter };
        splitter.Split(text, ref collector);
        return collector.Found;
    }

    static List<string> SplitGeneral(BertWordSplitter splitter, string text)
    {
        var collector = new Collector { Found = [], StopAfter = int.MaxValue };
        splitter.SplitGeneral(text, ref collector);
        return collector.Found;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Every_ASCII_character_splits_as_on_the_general_path(bool lowerCase)
    {
        var splitter = new BertWordSplitter(Specials, lowerCase);
        for (char c = '\0'; c < 128; c++)
            foreach (var text in new[] { $"{c}", $"Ab{c}Cd", $"x {c}Y ", $"{c}{c}é{c}" })
                Assert.True(SplitGeneral(splitter, text).SequenceEqual(Split(splitter, text)), $"U+{(int)c:X4} in \"{text}\"");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Mixed_ASCII_and_other_text_splits_as_on_the_general_path(bool lowerCase)
    {
        // Characters the general path treats each its own way: accents to strip (precomposed and combining), CJK,
        // non-ASCII space and punctuation, format and control characters, a surrogate pair, a lone surrogate, İ, Σ.
        string[] pieces = ["a", "Z", "7", " ", "\n", "\t", "\r", "\f", "\u0001", ".", "'", "-", "[", "_", "é", "e\u0301", "\u0301",
            "日", "\u00A0", "\u3000", "¿", "\u200B", "\u00AD", "😀", "\uD800", "İ", "Σ", "Ⅻ", "ﬁ", "한"];
        var random = new Random(13);
        var splitter = new BertWordSplitter(Specials, lowerCase);
        for (int n = 0; n < 4000; n++)
        {
            var text = new StringBuilder();
            for (int k = random.Next(1, 30); k > 0; k--) text.Append(pieces[random.Next(pieces.Length)]);
            var s = text.ToString();
            Assert.True(SplitGeneral(splitter, s).SequenceEqual(Split(splitter, s)), $"\"{s}\"");
        }
    }

    [Fact]
    public void Words_longer_than_the_fast_buffer_stay_whole()
    {
        var splitter = new BertWordSplitter(Specials, lowerCase: true);
        var longWord = new string('A', 300);

        Assert.Equal(["x", new string('a', 300), "."], Split(splitter, $"x {longWord}."));
    }

    [Fact]
    public void Special_tokens_are_cut_out_of_raw_text_and_splitting_stops_when_told()
    {
        var splitter = new BertWordSplitter(Specials, lowerCase: true);

        Assert.Equal(["ab", "<special 101>", "cd", "[", "sep", "]", "<special 102>"], Split(splitter, "Ab[CLS]cd [sep] [SEP]"));
        Assert.Equal(["one", "two"], Split(splitter, "one two three", stopAfter: 2));
    }
}
