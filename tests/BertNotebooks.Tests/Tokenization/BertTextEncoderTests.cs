using BertNotebooks.Tokenization;

namespace BertNotebooks.Tests.Tokenization;

public class BertTextEncoderTests
{
    static int Id(string token) => ModelFolder.Id(token);

    [Fact]
    public void A_CRLF_vocab_gives_the_same_ids_as_the_LF_one()
    {
        using var lf = new ModelFolder(ModelFolder.SmallVocab);
        using var crlf = new ModelFolder(ModelFolder.SmallVocab, "\r\n");

        var expected = new[] { Id("[CLS]"), Id("hello"), Id(","), Id("world"), Id("##s"), Id("!"), Id("[SEP]") };
        Assert.Equal(expected, lf.Encoder().Encode("Hello, worlds!").InputIds);
        Assert.Equal(expected, crlf.Encoder().Encode("Hello, worlds!").InputIds);
        Assert.Equal(ModelFolder.SmallVocab.Length, crlf.Encoder().VocabSize);
        Assert.Equal("hello, worlds!", crlf.Encoder().Decode(expected));
    }

    [Fact]
    public void A_folder_without_vocab_says_which_folder()
    {
        using var folder = new ModelFolder();

        var e = Assert.Throws<FileNotFoundException>(folder.Encoder);
        Assert.Contains(folder.Path, e.Message);
        Assert.Contains("vocab.txt", e.Message);
    }

    [Fact]
    public void A_vocab_without_the_special_tokens_is_refused_by_name()
    {
        using var folder = new ModelFolder(["hello", "world"]);

        var e = Assert.Throws<InvalidDataException>(folder.Encoder);
        Assert.Contains("[PAD]", e.Message);
        Assert.Contains(folder.VocabPath, e.Message);
    }

    [Fact]
    public void Casing_comes_from_tokenizer_config_and_defaults_to_lowercase()
    {
        using var uncased = new ModelFolder(ModelFolder.SmallVocab);
        using var cased = new ModelFolder(ModelFolder.SmallVocab).With("tokenizer_config.json", """{"do_lower_case": false}""");

        Assert.True(uncased.Encoder().DoLowerCase);
        Assert.Equal(Id("hello"), uncased.Encoder().Encode("Hello").InputIds[1]);
        Assert.False(cased.Encoder().DoLowerCase);
        Assert.Equal(Id("Hello"), cased.Encoder().Encode("Hello").InputIds[1]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(513)]
    [InlineData(-5)]
    public void Max_length_outside_2_to_512_is_refused(int maxLength)
    {
        using var folder = new ModelFolder(ModelFolder.SmallVocab);
        var encoder = folder.Encoder();

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => encoder.Encode("hello", maxLength));
        Assert.Contains(maxLength.ToString(), e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => encoder.EncodeBatch(["hello"], maxLength));
        Assert.Throws<ArgumentOutOfRangeException>(() => encoder.LengthStats(["hello"], maxLength));
    }

    [Fact]
    public void Max_length_is_capped_by_max_position_embeddings_and_counts_the_specials()
    {
        using var folder = new ModelFolder(ModelFolder.SmallVocab).With("config.json", """{"max_position_embeddings": 128}""");
        var encoder = folder.Encoder();

        Assert.Equal(128, encoder.MaxLengthLimit);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => encoder.Encode("hello", 129));
        Assert.Contains("max_position_embeddings", e.Message);
        Assert.Equal(128, encoder.Encode(string.Join(' ', Enumerable.Repeat("hello", 300)), 128).Length);
        Assert.Equal([Id("[CLS]"), Id("[SEP]")], encoder.Encode("hello world", 2).InputIds);
        Assert.Equal(302, encoder.Encode(string.Join(' ', Enumerable.Repeat("hello", 300)), maxLength: null).Length);
    }

    [Fact]
    public void A_pair_gets_segment_ids_and_two_separators()
    {
        using var folder = new ModelFolder(ModelFolder.SmallVocab);

        var pair = folder.Encoder().EncodePair("hello world", "fine", label: 3);

        Assert.Equal([Id("[CLS]"), Id("hello"), Id("world"), Id("[SEP]"), Id("fine"), Id("[SEP]")], pair.InputIds);
        Assert.Equal([0, 0, 0, 0, 1, 1], pair.TokenTypeIds);
        Assert.Equal(3, pair.Label);
        Assert.Throws<ArgumentOutOfRangeException>(() => folder.Encoder().EncodePair("a", "b", maxLength: 2));
    }

    [Theory]
    // HF tokenizers' longest_first: the shorter stays whole when it fits in half, otherwise each gets half
    // (the second text the odd token when they tie, the longer text when they don't).
    [InlineData(10, 3, 10, 4, 3)]
    [InlineData(3, 10, 10, 3, 4)]
    [InlineData(10, 10, 10, 3, 4)]
    [InlineData(10, 8, 10, 4, 3)]
    [InlineData(9, 8, 11, 4, 4)]
    [InlineData(2, 2, 10, 2, 2)]
    public void Pairs_truncate_longest_first_like_HF(int wordsA, int wordsB, int maxLength, int keptA, int keptB)
    {
        using var folder = new ModelFolder(ModelFolder.SmallVocab);

        var pair = folder.Encoder().EncodePair(Words(wordsA), Words(wordsB), maxLength);

        Assert.Equal(keptA + keptB + 3, pair.Length);
        Assert.Equal(keptB + 1, pair.TokenTypeIds.Count(t => t == 1));
        Assert.Equal(Id("[SEP]"), pair.InputIds[keptA + 1]);
    }

    static string Words(int n) => string.Join(' ', Enumerable.Repeat("hello", n));

    [Fact]
    public void Decode_joins_pieces_and_cleans_spaces_like_HF()
    {
        using var folder = new ModelFolder(ModelFolder.SmallVocab);
        var encoder = folder.Encoder();

        var ids = encoder.Encode("Hello, worlds! It's fine.").InputIds;

        Assert.Equal("hello, worlds! it's fine.", encoder.Decode(ids));
        Assert.Equal("[CLS] hello, worlds! it's fine. [SEP]", encoder.Decode(ids, skipSpecialTokens: false));
        Assert.Equal(["hello", ",", "world", "##s", "!", "it", "'", "s", "fine", "."], encoder.Tokenize("Hello, worlds! It's fine."));
        Assert.Throws<ArgumentOutOfRangeException>(() => encoder.Decode([ModelFolder.SmallVocab.Length]));
    }

    [Fact]
    public void Parallel_batch_equals_one_by_one_in_order()
    {
        using var folder = new ModelFolder(ModelFolder.SmallVocab);
        var encoder = folder.Encoder();
        var random = new Random(7);
        string[] words = ["hello", "world", "worlds", "fine", "it's", "!", "unknown", "Hello,"];
        var texts = Enumerable.Range(0, 500)
            .Select(_ => string.Join(' ', Enumerable.Range(0, random.Next(0, 80)).Select(_ => words[random.Next(words.Length)])))
            .ToArray();
        var labels = Enumerable.Range(0, texts.Length).Select(i => i % 20).ToArray();

        var batch = encoder.EncodeBatch(texts, 64, labels);

        Assert.Equal(texts.Length, batch.Count);
        for (int i = 0; i < texts.Length; i++)
        {
            var one = encoder.Encode(texts[i], 64, labels[i]);
            Assert.Equal(one.InputIds, batch[i].InputIds);
            Assert.Equal(one.TokenTypeIds, batch[i].TokenTypeIds);
            Assert.Equal(labels[i], batch[i].Label);
        }
        Assert.Equal(texts.Select(t => encoder.Encode(t, maxLength: null).Length), encoder.CountTokens(texts));
        Assert.Throws<ArgumentException>(() => encoder.EncodeBatch(texts, 64, labels[..3]));
    }
}
