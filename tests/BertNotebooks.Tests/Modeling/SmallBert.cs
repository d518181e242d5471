using BertNotebooks.Modeling;
using BertNotebooks.Tokenization;
using TorchSharp;

namespace BertNotebooks.Tests.Modeling;

/// <summary>A BERT small enough to build in milliseconds, and a batch for it with padding and segment B.</summary>
public static class SmallBert
{
    public static BertConfig Config(int labels = 3) => new()
    {
        VocabSize = 50, HiddenSize = 16, NumHiddenLayers = 2, NumAttentionHeads = 4, IntermediateSize = 32,
        MaxPositionEmbeddings = 24, InitializerRange = 0.2, ClassNames = Enumerable.Range(0, labels).Select(i => $"class{i}").ToList(),
    };

    public static EncodedBatch Batch(int labels = 3, long seed = 7)
    {
        var generator = new torch.Generator((ulong)seed);
        var ids = torch.randint(1, 50, [4, 10], dtype: torch.int64, generator: generator);
        var mask = torch.ones([4, 10], dtype: torch.int64);
        mask[1, 6..] = torch.tensor(0L); // row 1 is padded after 6 tokens
        var types = torch.zeros([4, 10], dtype: torch.int64);
        types[.., 5..] = torch.tensor(1L);
        return new EncodedBatch(ids * mask, mask, types, torch.randint(0, labels, [4], dtype: torch.int64, generator: generator));
    }
}
