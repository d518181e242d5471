using TorchSharp;

namespace BertNotebooks.Tokenization;

/// <summary>How a batch is padded: to its longest example (dynamic padding) or always to the max length (the tutorial's way).</summary>
public enum Padding { Longest, MaxLength }

/// <summary>Turns tokenized examples into one padded <see cref="EncodedBatch"/>.</summary>
public static class Collator
{
    /// <param name="padTokenId">the tokenizer's [PAD] id (<see cref="BertTextEncoder.PadTokenId"/>), as HF's
    /// DataCollatorWithPadding asks the tokenizer</param>
    public static EncodedBatch Collate(IReadOnlyList<TokenizedExample> examples, int padTokenId, Padding padding = Padding.Longest,
        int maxLength = BertTextEncoder.MaxSupportedLength, bool withLabels = true)
    {
        if (examples.Count == 0) throw new ArgumentException("Cannot collate an empty batch.", nameof(examples));
        int width = padding == Padding.MaxLength ? maxLength : examples.Max(e => e.Length);
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
        long[] shape = [examples.Count, width];
        var labels = withLabels ? torch.tensor(examples.Select(e => (long)e.Label).ToArray()) : null;
        return new EncodedBatch(torch.tensor(ids, shape), torch.tensor(mask, shape), torch.tensor(types, shape), labels); // each (B, T)
    }
}
