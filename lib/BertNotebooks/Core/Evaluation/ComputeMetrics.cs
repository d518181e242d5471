namespace BertNotebooks.Evaluation;

/// <summary>HF's EvalPrediction: the logits of every evaluated example (in order) and their labels.</summary>
public sealed record EvalPrediction(IReadOnlyList<float[]> Predictions, IReadOnlyList<int> LabelIds);

/// <summary>
/// HF's compute_metrics: named numbers from an evaluation pass, which the Trainer logs with the "eval_" prefix and can
/// pick the best model by (<see cref="Training.TrainingArguments.MetricForBestModel"/>). The default is
/// <see cref="ClassificationMetrics.ComputeSummary"/>.
/// </summary>
public delegate IReadOnlyDictionary<string, double> ComputeMetrics(EvalPrediction prediction);
