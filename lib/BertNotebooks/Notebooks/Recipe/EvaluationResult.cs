using BertNotebooks.Data;
using BertNotebooks.Evaluation;
using BertNotebooks.Inference;

namespace BertNotebooks.Recipe;

/// <summary>The best model on one split: the sklearn-style report and each document's prediction.</summary>
public sealed record EvaluationResult(ClassificationReport Report, IReadOnlyList<Prediction> Predictions, TextDataset Data);
