using BertNotebooks.Tokenization;

namespace BertNotebooks.Tests.Tokenization;

public class CollatorTests
{
    [Fact]
    public void Longest_pads_to_the_longest_text_and_MaxLength_to_max_length()
    {
        using var folder = new ModelFolder(ModelFolder.SmallVocab);
        var encoder = folder.Encoder();
        string[] texts = ["hello", "hello world fine"];

        using var longest = encoder.EncodeToBatch(texts, 16, Padding.Longest, labels: [1, 2]);
        using var fixedWidth = encoder.EncodeToBatch(texts, 16, Padding.MaxLength);

        Assert.Equal([2L, 5L], longest.InputIds.shape);
        Assert.Equal([2L, 16L], fixedWidth.InputIds.shape);
        Assert.Null(fixedWidth.Labels);
        Assert.Equal([1L, 2L], longest.Labels!.data<long>().ToArray());
        long cls = ModelFolder.Id("[CLS]"), sep = ModelFolder.Id("[SEP]"), hello = ModelFolder.Id("hello");
        long pad = encoder.PadTokenId;
        Assert.Equal([cls, hello, sep, pad, pad], longest.InputIds[0].data<long>().ToArray());
        Assert.Equal([1L, 1, 1, 0, 0], longest.AttentionMask[0].data<long>().ToArray());
        Assert.Equal(5L, longest.AttentionMask[1].sum().item<long>());
        Assert.Equal(3L + 5L, fixedWidth.AttentionMask.sum().item<long>());
        Assert.Equal(0L, fixedWidth.TokenTypeIds.sum().item<long>());
    }

    [Fact]
    public void An_example_wider_than_max_length_is_refused()
    {
        using var folder = new ModelFolder(ModelFolder.SmallVocab);
        var long8 = folder.Encoder().Encode("hello hello hello hello hello hello", maxLength: null);

        Assert.Throws<ArgumentException>(() => Collator.Collate([long8], padTokenId: 0, Padding.MaxLength, maxLength: 4));
    }

    [Theory]
    [InlineData(13, Padding.Longest, 128, 8, 16)]
    [InlineData(16, Padding.Longest, 128, 8, 16)]
    [InlineData(126, Padding.Longest, 128, 8, 128)]
    [InlineData(129, Padding.Longest, 130, 8, 130)] // never past the max length
    [InlineData(13, Padding.Longest, 128, 1, 13)]
    [InlineData(5, Padding.MaxLength, 64, 8, 64)]
    public void The_width_is_the_longest_rounded_up_to_the_multiple_or_the_max_length(int longest, Padding padding,
        int maxLength, int multiple, int expected) =>
        Assert.Equal(expected, Collator.Width(longest, padding, maxLength, multiple));

    [Fact]
    public void Collate_pads_to_the_multiple_with_pad_tokens_and_a_zero_mask()
    {
        using var folder = new ModelFolder(ModelFolder.SmallVocab);
        var encoder = folder.Encoder();
        var examples = encoder.EncodeBatch(["hello", "hello world fine"], 16);

        using var batch = Collator.Collate(examples, encoder.PadTokenId, padToMultipleOf: 8);

        Assert.Equal([2L, 8L], batch.InputIds.shape);
        Assert.Equal(3L + 5L, batch.AttentionMask.sum().item<long>());
        Assert.Equal(Enumerable.Repeat((long)encoder.PadTokenId, 3), batch.InputIds[1].data<long>().ToArray()[5..]);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => Collator.Width(5, Padding.Longest, 16, padToMultipleOf: 0));
        Assert.Contains("padToMultipleOf must be at least 1", error.Message);
    }

    [Fact]
    public void Padding_uses_the_vocab_pad_id()
    {
        using var folder = new ModelFolder(["[UNK]", "[PAD]", "[CLS]", "[SEP]", "[MASK]", "hello"]);

        using var batch = folder.Encoder().EncodeToBatch(["hello hello", ""]);

        Assert.Equal([2L, 3L, 1L, 1L], batch.InputIds[1].data<long>().ToArray());
        Assert.Equal([1L, 1L, 0L, 0L], batch.AttentionMask[1].data<long>().ToArray());
    }
}
