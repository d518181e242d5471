using BertNotebooks.Tokenization;

namespace BertNotebooks.Tests.Training;

/// <summary>A learnable synthetic task: the class is the most frequent of three "topic" tokens in a random-length text.</summary>
public static class TinyData
{
    public static IReadOnlyList<TokenizedExample> Make(int count, int seed)
    {
        var random = new Random(seed);
        var examples = new List<TokenizedExample>();
        for (int i = 0; i < count; i++)
        {
            int label = random.Next(3), length = random.Next(4, 20);
            var ids = new int[length];
            ids[0] = 1;           // [CLS]-like
            ids[^1] = 2;          // [SEP]-like
            for (int t = 1; t < length - 1; t++) ids[t] = random.NextDouble() < 0.5 ? 3 + label : random.Next(6, TinyClassifier.Vocab);
            examples.Add(new TokenizedExample(ids, new int[length], label));
        }
        return examples;
    }
}
