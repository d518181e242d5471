using TorchSharp;

namespace BertNotebooks.Tokenization;

/// <summary>
/// A batch ready for BERT: all (B, T) int64, padded to T. <see cref="Labels"/> is (B) int64, or null for inference.
/// Dispose it (or create it inside a dispose scope) when the step is done.
/// </summary>
public sealed record EncodedBatch(torch.Tensor InputIds, torch.Tensor AttentionMask, torch.Tensor TokenTypeIds, torch.Tensor? Labels = null)
    : IDisposable
{
    public long BatchSize => InputIds.shape[0];
    public long SequenceLength => InputIds.shape[1];

    public EncodedBatch To(torch.Device device) =>
        new(InputIds.to(device), AttentionMask.to(device), TokenTypeIds.to(device), Labels?.to(device));

    public void Dispose()
    {
        InputIds.Dispose();
        AttentionMask.Dispose();
        TokenTypeIds.Dispose();
        Labels?.Dispose();
    }
}
