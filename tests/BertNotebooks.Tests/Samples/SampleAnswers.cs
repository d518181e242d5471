using BertNotebooks.Inference;

namespace BertNotebooks.Tests.Samples;

/// <summary>A label and its probability, as the samples answer (<c>{"label": "...", "score": 0.91}</c>).</summary>
public sealed record LabelScore(string Label, double Score);

public static class SampleAnswers
{
    /// <summary>
    /// A sample's answer equals the library's: every label once, each score within <paramref name="tolerance"/> of the
    /// library's probability, best first; the order is the library's wherever its probabilities differ by more than the
    /// tolerance (closer ones may swap, which no reader could tell apart).
    /// </summary>
    /// <returns>The largest |difference| of a score from the library's probability.</returns>
    public static double AssertSame(Prediction expected, IReadOnlyList<LabelScore> actual, double tolerance, string what)
    {
        var names = expected.TopK.Select(c => c.Name).ToList();
        Assert.True(actual.Select(a => a.Label).Order().SequenceEqual(names.Order()),
            $"{what}: labels [{string.Join(", ", actual.Select(a => a.Label))}], expected every one of [{string.Join(", ", names)}] once");
        var probability = expected.TopK.ToDictionary(c => c.Name, c => (double)c.Probability);
        foreach (var (label, score) in actual)
            Assert.True(Math.Abs(score - probability[label]) <= tolerance,
                $"{what}: {label} scored {score:R}, the library {probability[label]:R} (tolerance {tolerance})");
        for (int i = 1; i < actual.Count; i++)
        {
            Assert.True(actual[i].Score <= actual[i - 1].Score, $"{what}: not best first at {i}: {actual[i - 1]} then {actual[i]}");
            Assert.True(probability[actual[i].Label] <= probability[actual[i - 1].Label] + tolerance,
                $"{what}: {actual[i - 1].Label} before {actual[i].Label}, the library's order is the other way");
        }
        return actual.Max(a => Math.Abs(a.Score - probability[a.Label]));
    }
}
