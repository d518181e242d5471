namespace BertNotebooks.Data;

/// <summary>How <see cref="DatasetSplitter"/> carves a validation set out of the training data.</summary>
/// <param name="ValidationFraction">Share of the examples that go to validation, in (0, 1).</param>
/// <param name="Seed">The same seed gives the same split on every machine.</param>
/// <param name="Stratify">Keep each class's share equal in train and validation (every class then needs two examples).</param>
public sealed record SplitOptions(double ValidationFraction = 0.2, int Seed = 42, bool Stratify = true);
