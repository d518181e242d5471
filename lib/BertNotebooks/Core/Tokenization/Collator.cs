using TorchSharp;

namespace BertNotebooks.Tokenization;

/// <summary>How a batch is padded: to its longest example (dynamic padding) or always to the max length (the tutorial's way).</summary>
public enum Padding { Longest, MaxLength }

/// <summary>Turns tokenized examples into one padded <see cref="EncodedBatch"/>.</summary>
public static class Collator
{
    /// <param name="padTokenId">the tokenizer's [PAD] id (<see cref="BertTextEncoder.PadTokenId"/>), as HF's
    /// DataCollatorWithPadding asks the tokenizer</param>
    /// <param name="padToMultipleOf">HF's pad_to_multiple_of: the longest example's length is rounded up to a multiple of
    /// this (see <see cref="Width"/>)</param>
    public static EncodedBatch Collate(IReadOnlyList<TokenizedExample> examples, int padTokenId, Padding padding = Padding.Longest,
        int maxLength = BertTextEncoder.MaxSupportedLength, bool withLabels = true, int padToMultipleOf = 1)
    {
        if (examples.Count == 0) throw new ArgumentException("Cannot collate an empty batch.", nameof(examples));
        int width = Width(examples.Max(e => e.Length), padding, maxLength, padToMultipleOf);
        var (ids, mask, types) = PaddedArrays(examples, padTokenId, width);
        long[] shape = [examples.Count, width];
        var labels = withLabels ? torch.tensor(examples.Select(e => (long)e.Label).ToArray()) : null;
        return new EncodedBatch(torch.tensor(ids, shape), torch.tensor(mask, shape), torch.tensor(types, shape), labels); // each (B, T)
    }

    /// <summary>
    /// The batch's input ids, attention mask and token type ids, row after row, each row <paramref name="width"/> long: the
    /// example, then [PAD] (<paramref name="padTokenId"/>) with mask 0 and type 0. For (B, T) tensors of any library.
    /// </summary>
    public static (long[] InputIds, long[] AttentionMask, long[] TokenTypeIds) PaddedArrays(IReadOnlyList<TokenizedExample> examples,
        int padTokenId, int width)
    {
        var ids = new long[examples.Count * width];
        if (padTokenId != 0) Array.Fill(ids, padTokenId);
        var mask = new long[examples.Count * width];
        var types = new long[examples.Count * width];
        for (int b = 0; b < examples.Count; b++)
        {
            var e = examples[b];
            if (e.Length > width)
                throw new ArgumentException($"Example {b} has {e.Length} tokens, more than the batch width {width}; " +
                    "tokenize with the same max length.");
            for (int t = 0; t < e.Length; t++)
            {
                ids[b * width + t] = e.InputIds[t];
                mask[b * width + t] = 1;
                types[b * width + t] = e.TokenTypeIds[t];
            }
        }
        return (ids, mask, types);
    }

    /// <summary>
    /// How many tokens wide a batch whose longest example has <paramref name="longest"/> tokens is padded: to
    /// <paramref name="maxLength"/>, or to <paramref name="longest"/> rounded up to a multiple of
    /// <paramref name="padToMultipleOf"/> (1: exactly the longest), never past <paramref name="maxLength"/>.
    /// </summary>
    public static int Width(int longest, Padding padding, int maxLength, int padToMultipleOf = 1)
    {
        if (padToMultipleOf < 1)
            throw new ArgumentOutOfRangeException(nameof(padToMultipleOf), padToMultipleOf,
                "padToMultipleOf must be at least 1 (1: pad to the longest example exactly).");
        if (padding == Padding.MaxLength) return maxLength;
        int rounded = (longest + padToMultipleOf - 1) / padToMultipleOf * padToMultipleOf;
        return Math.Max(longest, Math.Min(rounded, maxLength)); // too long an example is reported by the caller
    }
}
