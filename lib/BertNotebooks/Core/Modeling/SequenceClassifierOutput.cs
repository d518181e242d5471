using TorchSharp;

namespace BertNotebooks.Modeling;

/// <summary>What a classifier's forward returns: the logits (B, C) and, when labels were given, the mean cross-entropy loss.</summary>
public sealed record SequenceClassifierOutput(torch.Tensor Logits, torch.Tensor? Loss);
