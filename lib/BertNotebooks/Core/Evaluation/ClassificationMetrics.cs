namespace BertNotebooks.Evaluation;

/// <summary>
/// scikit-learn's multi-class metrics (1.3+ definitions). Per class: precision = tp / predicted, recall = tp / true,
/// F1 = 2 tp / (true + predicted). A zero denominator gives <c>zeroDivision</c> (sklearn's default "warn" behaves as 0).
/// Macro averages are plain means over the labels; weighted averages weight each label by its support.
/// </summary>
public static class ClassificationMetrics
{
    /// <param name="labels">Which classes the report covers. Null = sklearn's default: the sorted union of y_true and y_pred,
    /// so a class seen in neither does not pull the macro average down. Pass all class indices to report every class.</param>
    /// <param name="zeroDivision">0 or 1: the value of an ill-defined ratio (sklearn's zero_division).</param>
    public static ClassificationReport Compute(IReadOnlyList<int> yTrue, IReadOnlyList<int> yPred, IReadOnlyList<string>? classNames = null,
        IReadOnlyList<int>? labels = null, double zeroDivision = 0)
    {
        if (yTrue.Count != yPred.Count)
            throw new ArgumentException($"y_true has {yTrue.Count} labels but y_pred has {yPred.Count}; they must be the same length.");
        if (yTrue.Count == 0) throw new ArgumentException("Cannot compute metrics on zero examples.");
        if (zeroDivision is not (0 or 1)) throw new ArgumentException($"zeroDivision must be 0 or 1, not {zeroDivision}.");
        labels ??= yTrue.Concat(yPred).Distinct().Order().ToList();
        var names = labels.Select(l => classNames is not null && l >= 0 && l < classNames.Count ? classNames[l] : l.ToString()).ToList();
        var matrix = new ConfusionMatrix(yTrue, yPred, labels, names);

        var perClass = new List<ClassMetrics>();
        for (int i = 0; i < labels.Count; i++)
        {
            // Counted over all examples, also those whose other side is outside the chosen labels, as sklearn does.
            int tp = matrix.Counts[i, i], predicted = yPred.Count(p => p == labels[i]), actual = yTrue.Count(t => t == labels[i]);
            perClass.Add(new ClassMetrics(labels[i], names[i],
                Divide(tp, predicted, zeroDivision), Divide(tp, actual, zeroDivision),
                Divide(2.0 * tp, actual + predicted, zeroDivision), actual));
        }

        int correct = yTrue.Zip(yPred).Count(p => p.First == p.Second);
        int totalSupport = perClass.Sum(c => c.Support);
        double Macro(Func<ClassMetrics, double> f) => perClass.Average(f);
        double Weighted(Func<ClassMetrics, double> f) =>
            totalSupport == 0 ? zeroDivision : perClass.Sum(c => f(c) * c.Support) / totalSupport;
        return new ClassificationReport((double)correct / yTrue.Count,
            Macro(c => c.Precision), Macro(c => c.Recall), Macro(c => c.F1),
            Weighted(c => c.Precision), Weighted(c => c.Recall), Weighted(c => c.F1),
            perClass, matrix);
    }

    /// <summary>
    /// The default <see cref="Evaluation.ComputeMetrics"/>: argmax of the logits, then <see cref="SummaryMetrics"/>. With
    /// class names, every class gets a row (sklearn's labels=range(num_labels)), also one missing from the evaluated set.
    /// </summary>
    public static ComputeMetrics ComputeSummary(IReadOnlyList<string>? classNames = null) => prediction =>
        Compute(prediction.LabelIds, prediction.Predictions.Select(l => Logits.ArgMax(l)).ToList(), classNames,
            classNames is null ? null : Enumerable.Range(0, classNames.Count).ToList()).Summary;

    static double Divide(double numerator, double denominator, double zeroDivision) =>
        denominator == 0 ? zeroDivision : numerator / denominator;
}
