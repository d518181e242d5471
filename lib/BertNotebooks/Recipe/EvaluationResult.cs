using BertNotebooks.Data;
using BertNotebooks.Evaluation;
using BertNotebooks.Inference;
using Microsoft.Data.Analysis;

namespace BertNotebooks.Recipe;

/// <summary>The best model on one split: the sklearn-style report and each document's prediction.</summary>
public sealed record EvaluationResult(ClassificationReport Report, IReadOnlyList<Prediction> Predictions, TextDataset Data)
{
    /// <summary>The wrong predictions the model was surest of, with a preview of their texts.</summary>
    public DataFrame MostConfidentMistakes(int count = 10) =>
        Evaluation.MostConfidentMistakes.ToDataFrame(
            Evaluation.MostConfidentMistakes.Find(Predictions.Select(p => p.Probabilities.ToArray()).ToList(),
                Data.Examples.Select(e => e.Label).ToList(), count, Data.Examples.Select(e => e.Text).ToList()),
            Data.ClassNames);
}
