using TorchSharp;

namespace BertNotebooks.Modeling;

/// <summary>
/// What <see cref="BertModel"/> returns: the embedding layer's output (B, T, H), the last hidden state (B, T, H), or
/// (B, 1, H) when only [CLS]'s row was asked for (<see cref="BertModel.forward(Tokenization.EncodedBatch, bool)"/>),
/// and, when the model has a pooler, the pooled [CLS] vector (B, H).
/// </summary>
public sealed record BertModelOutput(torch.Tensor EmbeddingOutput, torch.Tensor LastHiddenState, torch.Tensor? PooledOutput);
