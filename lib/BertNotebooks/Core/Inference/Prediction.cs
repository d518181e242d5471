namespace BertNotebooks.Inference;

/// <summary>A class and its probability.</summary>
public sealed record ClassProbability(int Label, string Name, float Probability);

/// <summary>
/// The model's answer for one text: the most probable class, every class's probability (softmax of the logits), the
/// <see cref="TopK"/> classes best first, how many tokens the model saw and whether the text was cut to the max length.
/// <see cref="IsEmpty"/>: the text was empty or only whitespace, so the model saw just [CLS] [SEP]; the prediction is then
/// the model's prior guess, not evidence about a text, and callers may want to show it differently.
/// </summary>
public sealed record Prediction(
    string Text, int Label, string LabelName, IReadOnlyList<float> Probabilities, IReadOnlyList<ClassProbability> TopK,
    int TokenCount, bool Truncated, bool IsEmpty)
{
    public float Confidence => Probabilities[Label];
}
