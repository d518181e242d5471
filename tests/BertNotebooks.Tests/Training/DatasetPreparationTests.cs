using BertNotebooks.Data;
using BertNotebooks.Tokenization;
using BertNotebooks.Training;

namespace BertNotebooks.Tests.Training;

public sealed class DatasetPreparationTests
{
    static readonly TextDataset Data = new(
        Enumerable.Range(0, 50).Select(i => new TextExample($"text {i}", i % 5 == 0 ? $"pair {i}" : null, i % 2)).ToList(),
        ["even", "odd"]);

    [Fact]
    public void SubsetIsSeededKeepsOrderAndClassNames()
    {
        var a = DatasetPreparation.Subset(Data, 10, seed: 1);
        Assert.Equal(10, a.Count);
        Assert.Equal(Data.ClassNames, a.ClassNames);
        Assert.Equal(a.Examples, DatasetPreparation.Subset(Data, 10, seed: 1).Examples);
        Assert.NotEqual(a.Examples, DatasetPreparation.Subset(Data, 10, seed: 2).Examples);
        var positions = a.Examples.Select(e => int.Parse(e.Text[5..])).ToList();
        Assert.Equal(positions.Order(), positions); // original order kept
        Assert.Same(Data, DatasetPreparation.Subset(Data, null, 1));
        Assert.Same(Data, DatasetPreparation.Subset(Data, 500, 1));
        Assert.Throws<ArgumentException>(() => DatasetPreparation.Subset(Data, 0, 1));
    }

    [Fact]
    public void TokenizeKeepsLabelsAndPutsPairsInSegmentB()
    {
        var vocab = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(vocab, ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "text", "pair", "1", "5"]);
            var encoder = BertTextEncoder.FromVocab(vocab);
            var examples = DatasetPreparation.Tokenize(encoder, Data, maxLength: 16);
            Assert.Equal(Data.Examples.Select(e => e.Label), examples.Select(e => e.Label));
            Assert.Equal(Data.Examples.Select(e => e.TextPair is not null), examples.Select(e => e.TokenTypeIds.Contains(1)));
            var single = DatasetPreparation.Tokenize(encoder, new TextDataset([new TextExample("text 1", null, 1)], Data.ClassNames),
                maxLength: 16);
            Assert.Equal(encoder.Encode("text 1", 16, 1).InputIds, single[0].InputIds);
        }
        finally
        {
            File.Delete(vocab);
        }
    }
}
