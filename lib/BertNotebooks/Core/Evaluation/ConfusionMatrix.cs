namespace BertNotebooks.Evaluation;

/// <summary>
/// Counts[i, j] = number of examples of true class Labels[i] predicted as Labels[j] (rows true, columns predicted, as sklearn).
/// </summary>
public sealed class ConfusionMatrix
{
    public IReadOnlyList<int> Labels { get; }
    public IReadOnlyList<string> Names { get; }
    public int[,] Counts { get; }

    public ConfusionMatrix(IReadOnlyList<int> yTrue, IReadOnlyList<int> yPred, IReadOnlyList<int> labels, IReadOnlyList<string> names)
    {
        Labels = labels;
        Names = names;
        Counts = new int[labels.Count, labels.Count];
        var index = labels.Select((label, i) => (label, i)).ToDictionary(p => p.label, p => p.i);
        for (int k = 0; k < yTrue.Count; k++)
            // Pairs whose label is outside the chosen labels are left out, as sklearn's confusion_matrix(labels=...) does.
            if (index.TryGetValue(yTrue[k], out var i) && index.TryGetValue(yPred[k], out var j)) Counts[i, j]++;
    }
}
