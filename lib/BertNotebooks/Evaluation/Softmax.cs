namespace BertNotebooks.Evaluation;

/// <summary>Probabilities from logits, computed in double and shifted by the maximum so large logits do not overflow.</summary>
public static class Softmax
{
    public static float[] Of(float[] logits)
    {
        if (logits.Length == 0) return [];
        double max = logits.Max();
        var exp = logits.Select(l => Math.Exp(l - max)).ToArray();
        double sum = exp.Sum();
        return exp.Select(e => (float)(e / sum)).ToArray();
    }
}
