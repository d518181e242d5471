using System.Globalization;
using BertNotebooks.Inference;
using Microsoft.Data.Analysis;

namespace BertNotebooks.Display;

/// <summary>Predictions as a notebook table: a preview of the text, the label, its probability and the runners-up.</summary>
public static class PredictionTable
{
    public static DataFrame ToDataFrame(IReadOnlyList<Prediction> predictions, int previewChars = 70) => new(
        new StringDataFrameColumn("text", predictions.Select(p => Preview(p.Text, previewChars))),
        new StringDataFrameColumn("label", predictions.Select(p => p.LabelName)),
        new DoubleDataFrameColumn("probability", predictions.Select(p => Math.Round((double)p.Confidence, 4))),
        new StringDataFrameColumn("top-k", predictions.Select(p =>
            string.Join(", ", p.TopK.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Name} {c.Probability:P1}"))))),
        new Int32DataFrameColumn("tokens", predictions.Select(p => p.TokenCount)),
        new BooleanDataFrameColumn("truncated", predictions.Select(p => p.Truncated)));

    static string Preview(string text, int chars)
    {
        var flat = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return flat.Length <= chars ? flat : flat[..chars] + "…";
    }
}
