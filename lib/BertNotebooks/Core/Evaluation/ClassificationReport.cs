using System.Globalization;
using System.Text;
using System.Text.Json.Serialization;
using BertNotebooks.IO;

namespace BertNotebooks.Evaluation;

/// <summary>
/// The metrics of scikit-learn's <c>classification_report</c>, <c>accuracy_score</c> and <c>confusion_matrix</c>, computed the
/// same way (see <see cref="ClassificationMetrics.Compute"/>).
/// </summary>
public sealed record ClassificationReport(
    double Accuracy,
    double MacroPrecision, double MacroRecall, double MacroF1,
    double WeightedPrecision, double WeightedRecall, double WeightedF1,
    IReadOnlyList<ClassMetrics> PerClass,
    [property: JsonIgnore] ConfusionMatrix ConfusionMatrix)
{
    public int Support => PerClass.Sum(c => c.Support);

    /// <summary>The matrix as nested arrays, so that metrics.json holds it too.</summary>
    [JsonPropertyName("ConfusionMatrix")]
    public int[][] ConfusionCounts =>
        Enumerable.Range(0, PerClass.Count)
            .Select(i => Enumerable.Range(0, PerClass.Count).Select(j => ConfusionMatrix.Counts[i, j]).ToArray())
            .ToArray();

    /// <summary>The headline numbers under HF-style names (accuracy, f1_macro, …): <see cref="SummaryMetrics"/>.</summary>
    public IReadOnlyDictionary<string, double> Summary => SummaryMetrics.Of(this);

    /// <summary>Writes metrics.json (atomically).</summary>
    public void Save(string path) => AtomicFile.WriteJson(path, this);

    /// <summary>The text table of sklearn's classification_report (two decimals).</summary>
    public override string ToString()
    {
        int width = Math.Max(12, PerClass.Select(c => c.Name.Length).DefaultIfEmpty(0).Max());
        var s = new StringBuilder();
        string Row(string name, string p, string r, string f, int n) =>
            string.Format(CultureInfo.InvariantCulture, "{0}{1,10}{2,10}{3,10}{4,10}\n", name.PadLeft(width), p, r, f, n);
        string F(double v) => v.ToString("0.00", CultureInfo.InvariantCulture);
        s.Append(Row("", "precision", "recall", "f1-score", 0).Replace("         0\n", "   support\n"));
        s.Append('\n');
        foreach (var c in PerClass) s.Append(Row(c.Name, F(c.Precision), F(c.Recall), F(c.F1), c.Support));
        s.Append('\n');
        s.Append(Row("accuracy", "", "", F(Accuracy), Support));
        s.Append(Row("macro avg", F(MacroPrecision), F(MacroRecall), F(MacroF1), Support));
        s.Append(Row("weighted avg", F(WeightedPrecision), F(WeightedRecall), F(WeightedF1), Support));
        return s.ToString();
    }
}
