namespace BertNotebooks.Evaluation;

/// <summary>
/// The headline numbers of a <see cref="ClassificationReport"/> under HF-style names: what the Trainer logs with an
/// "eval_" prefix (its default <see cref="ComputeMetrics"/>), what metrics.json's Summary holds and 05 compares. To add a
/// metric, add a line here (with a test against scikit-learn's definition); every other place reads these names.
/// </summary>
public static class SummaryMetrics
{
    static readonly (string Name, Func<ClassificationReport, double> Of)[] All =
    [
        ("accuracy", r => r.Accuracy),
        ("precision_macro", r => r.MacroPrecision), ("recall_macro", r => r.MacroRecall), ("f1_macro", r => r.MacroF1),
        ("precision_weighted", r => r.WeightedPrecision), ("recall_weighted", r => r.WeightedRecall), ("f1_weighted", r => r.WeightedF1),
        ("matthews_corrcoef", r => MatthewsCorrelation(r.ConfusionMatrix.Counts)),
    ];

    public static IReadOnlyList<string> Names { get; } = [.. All.Select(m => m.Name)];

    public static IReadOnlyDictionary<string, double> Of(ClassificationReport report) => All.ToDictionary(m => m.Name, m => m.Of(report));

    /// <summary>scikit-learn's multi-class matthews_corrcoef (Gorodkin's R_K) from the confusion matrix; 0 when undefined.</summary>
    static double MatthewsCorrelation(int[,] counts)
    {
        int k = counts.GetLength(0);
        double samples = 0, correct = 0, truePredicted = 0, trueTrue = 0, predictedPredicted = 0;
        for (int i = 0; i < k; i++)
        {
            double actual = 0, predicted = 0;
            for (int j = 0; j < k; j++) (actual, predicted) = (actual + counts[i, j], predicted + counts[j, i]);
            samples += actual;
            correct += counts[i, i];
            truePredicted += actual * predicted;
            trueTrue += actual * actual;
            predictedPredicted += predicted * predicted;
        }
        double covariance = correct * samples - truePredicted;
        double spread = (samples * samples - trueTrue) * (samples * samples - predictedPredicted);
        return spread == 0 ? 0 : covariance / Math.Sqrt(spread);
    }
}
