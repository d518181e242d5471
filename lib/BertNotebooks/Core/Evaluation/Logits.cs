namespace BertNotebooks.Evaluation;

/// <summary>What a classifier's logits mean: class probabilities (softmax) and the predicted class (argmax).</summary>
public static class Logits
{
    /// <summary>Probabilities, computed in double and shifted by the maximum so large logits do not overflow.</summary>
    public static float[] Softmax(float[] logits)
    {
        if (logits.Length == 0) return [];
        double max = logits.Max();
        var exp = logits.Select(l => Math.Exp(l - max)).ToArray();
        double sum = exp.Sum();
        return exp.Select(e => (float)(e / sum)).ToArray();
    }

    /// <summary>The index of the largest value (the first one on ties, as numpy's argmax).</summary>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
        return best;
    }
}
