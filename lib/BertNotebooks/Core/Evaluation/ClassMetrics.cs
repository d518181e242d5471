namespace BertNotebooks.Evaluation;

/// <summary>One row of a classification report: the class's precision, recall, F1 and support (its count in y_true).</summary>
public sealed record ClassMetrics(int Label, string Name, double Precision, double Recall, double F1, int Support);
