using BertNotebooks.Evaluation;

namespace BertNotebooks.Training;

/// <summary>What an evaluation pass returns: the logged metrics (eval_loss, eval_accuracy, …) and per-example outputs.</summary>
public sealed record EvaluationOutput(IReadOnlyDictionary<string, double> Metrics, IReadOnlyList<float[]> Logits, IReadOnlyList<int> Labels)
{
    public IReadOnlyList<int> Predictions => Logits.Select(l => Evaluation.Logits.ArgMax(l)).ToList();
    public IReadOnlyList<float[]> Probabilities => Logits.Select(Evaluation.Logits.Softmax).ToList();
}
