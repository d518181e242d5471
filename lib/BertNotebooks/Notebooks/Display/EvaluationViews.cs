using BertNotebooks.Evaluation;
using BertNotebooks.Recipe;
using Microsoft.Data.Analysis;

namespace BertNotebooks.Display;

/// <summary>
/// The evaluation's tables. Extension methods, so that a notebook writes <c>evaluation.Report.ToDataFrame()</c> while the
/// metric types themselves (in Evaluation/) hold no display code.
/// </summary>
public static class EvaluationViews
{
    /// <summary>One row per class, then "macro avg" and "weighted avg" rows, like sklearn's report with output_dict.</summary>
    public static DataFrame ToDataFrame(this ClassificationReport report)
    {
        var rows = report.PerClass.Select(c => (c.Name, c.Precision, c.Recall, c.F1, c.Support))
            .Append(("macro avg", report.MacroPrecision, report.MacroRecall, report.MacroF1, report.Support))
            .Append(("weighted avg", report.WeightedPrecision, report.WeightedRecall, report.WeightedF1, report.Support))
            .ToList();
        return new DataFrame(
            new StringDataFrameColumn("class", rows.Select(r => r.Item1)),
            new DoubleDataFrameColumn("precision", rows.Select(r => r.Item2)),
            new DoubleDataFrameColumn("recall", rows.Select(r => r.Item3)),
            new DoubleDataFrameColumn("f1-score", rows.Select(r => r.Item4)),
            new Int32DataFrameColumn("support", rows.Select(r => r.Item5)));
    }

    /// <summary>A "true" column of class names, then one column of counts per predicted class.</summary>
    public static DataFrame ToDataFrame(this ConfusionMatrix matrix)
    {
        var columns = new List<DataFrameColumn> { new StringDataFrameColumn("true", matrix.Names) };
        for (int j = 0; j < matrix.Labels.Count; j++)
            columns.Add(new Int32DataFrameColumn(matrix.Names[j],
                Enumerable.Range(0, matrix.Labels.Count).Select(i => matrix.Counts[i, j])));
        return new DataFrame(columns);
    }

    /// <summary>One row per mistake: index, true and predicted class names, confidence and (when given) the start of the text.</summary>
    public static DataFrame ToDataFrame(this IReadOnlyList<Mistake> mistakes, IReadOnlyList<string> classNames,
        int previewChars = 120) => new(
        new Int32DataFrameColumn("index", mistakes.Select(m => m.Index)),
        new StringDataFrameColumn("true", mistakes.Select(m => classNames[m.TrueLabel])),
        new StringDataFrameColumn("predicted", mistakes.Select(m => classNames[m.PredictedLabel])),
        new DoubleDataFrameColumn("confidence", mistakes.Select(m => m.Confidence)),
        new StringDataFrameColumn("text",
            mistakes.Select(m => m.Text is null ? "" : m.Text.Length <= previewChars ? m.Text : m.Text[..previewChars] + "…")));

    /// <summary>The wrong predictions the model was surest of, with a preview of their texts.</summary>
    public static DataFrame MostConfidentMistakes(this EvaluationResult result, int count = 10) =>
        Evaluation.MostConfidentMistakes.Find(result.Predictions.Select(p => p.Probabilities.ToArray()).ToList(),
                result.Data.Examples.Select(e => e.Label).ToList(), count, result.Data.Examples.Select(e => e.Text).ToList())
            .ToDataFrame(result.Data.ClassNames);
}
