using BertNotebooks.Modeling;
using BertNotebooks.Tokenization;
using TorchSharp;

namespace BertNotebooks.Evaluation;

/// <summary>How <see cref="BatchedForward"/> runs: examples per forward pass, the device, and the tokenizer's [PAD] id that
/// batches are padded with. The examples come tokenized, already cut to the max length.</summary>
public sealed record ForwardOptions(int BatchSize, torch.Device Device, int PadTokenId);

/// <summary>Per-example logits (float32, in input order) and, when labels were given, the summed loss.</summary>
public sealed record ForwardResult(IReadOnlyList<float[]> Logits, double? LossSum);

/// <summary>
/// The one inference path: the Trainer's evaluation and the <see cref="Predictor"/> both run it, so the accuracy that
/// picks the best checkpoint is the accuracy 05-evaluation reports (batches of other lengths round differently, which
/// under bf16 flips a few near-tie predictions). Examples go longest first (ties in input order), each batch padded to
/// its longest example, so batches carry little padding; the results come back in input order.
/// </summary>
public static class BatchedForward
{
    /// <param name="onBatch">told (batches done, batches in all) after each forward pass</param>
    public static ForwardResult Run(torch.nn.Module<EncodedBatch, SequenceClassifierOutput> model, IReadOnlyList<TokenizedExample> examples,
        ForwardOptions options, bool withLabels = false, Action<int, int>? onBatch = null)
    {
        if (options.BatchSize < 1) throw new ArgumentException($"The batch size must be at least 1, " +
            $"not {options.BatchSize}.", nameof(options));
        bool wasTraining = model.training;
        model.eval();
        var logits = new float[examples.Count][];
        using var lossSum = torch.zeros([], torch.float64, options.Device);
        var batches = LengthOrder(examples).Chunk(options.BatchSize).ToList();
        using (torch.no_grad())
        {
            for (int b = 0; b < batches.Count; b++)
            {
                using var scope = torch.NewDisposeScope();
                var chunk = batches[b].Select(i => examples[i]).ToList();
                var batch = Collator.Collate(chunk, options.PadTokenId, Tokenization.Padding.Longest, withLabels: withLabels)
                    .To(options.Device);
                var output = model.call(batch);
                if (output.Loss is { } loss) lossSum.add_(loss.to(torch.float64) * chunk.Count); // a mean over examples, as HF
                var rows = output.Logits.to(torch.float32).cpu(); // (B, C)
                int classes = (int)rows.shape[1];
                var flat = rows.data<float>().ToArray();
                for (int i = 0; i < chunk.Count; i++) logits[batches[b][i]] = flat.AsSpan(i * classes, classes).ToArray();
                onBatch?.Invoke(b + 1, batches.Count);
            }
        }
        if (wasTraining) model.train();
        return new ForwardResult(logits, withLabels ? lossSum.item<double>() : null);
    }

    /// <summary>Example indices from the longest to the shortest (ties in input order): the batching order of <see cref="Run"/>.</summary>
    public static IReadOnlyList<int> LengthOrder(IReadOnlyList<TokenizedExample> examples) =>
        Enumerable.Range(0, examples.Count).OrderByDescending(i => examples[i].Length).ToList();
}
