using BertNotebooks.Evaluation;

namespace BertNotebooks.Training;

/// <summary>What an evaluation pass returns: the logged metrics (eval_loss, eval_accuracy, …), the full report, and per-example outputs.</summary>
public sealed record EvaluationOutput(
    IReadOnlyDictionary<string, double> Metrics,
    ClassificationReport Report,
    IReadOnlyList<float[]> Logits,
    IReadOnlyList<int> Labels)
{
    public IReadOnlyList<int> Predictions => Logits.Select(l => MostConfidentMistakes.ArgMax(l)).ToList();
    public IReadOnlyList<float[]> Probabilities => Logits.Select(Softmax.Of).ToList();
}
