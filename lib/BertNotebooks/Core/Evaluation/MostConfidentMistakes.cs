namespace BertNotebooks.Evaluation;

/// <summary>
/// A wrongly classified example: its index in the evaluated set, true and predicted class, and the predicted probability.
/// </summary>
public sealed record Mistake(int Index, int TrueLabel, int PredictedLabel, double Confidence, string? Text);

public static class MostConfidentMistakes
{
    /// <summary>
    /// The <paramref name="count"/> wrong predictions the model was surest of (highest probability of the predicted class):
    /// often mislabeled or ambiguous documents, the most instructive ones to read.
    /// </summary>
    /// <param name="probabilities">One row of class probabilities per example (softmax of the logits).</param>
    public static IReadOnlyList<Mistake> Find(IReadOnlyList<float[]> probabilities, IReadOnlyList<int> yTrue, int count = 10,
        IReadOnlyList<string>? texts = null)
    {
        if (probabilities.Count != yTrue.Count)
            throw new ArgumentException($"{probabilities.Count} probability rows but {yTrue.Count} labels; pass one row per example.");
        if (texts is not null && texts.Count != yTrue.Count)
            throw new ArgumentException($"{texts.Count} texts but {yTrue.Count} labels; pass one text per example.");
        return probabilities
            .Select((p, i) => (i, predicted: Logits.ArgMax(p), p))
            .Where(x => x.predicted != yTrue[x.i])
            .Select(x => new Mistake(x.i, yTrue[x.i], x.predicted, x.p[x.predicted], texts?[x.i]))
            .OrderByDescending(m => m.Confidence).ThenBy(m => m.Index)
            .Take(count)
            .ToList();
    }
}
