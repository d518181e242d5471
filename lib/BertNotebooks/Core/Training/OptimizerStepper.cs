using BertNotebooks.Modeling;
using BertNotebooks.Tokenization;
using TorchSharp;
using TorchSharp.Modules;

namespace BertNotebooks.Training;

/// <summary>What one optimizer step did. Loss (mean over the micro-batches) and GradNorm (before clipping) are scalar tensors
/// that live in the caller's dispose scope: read them with .item() only when they are logged.</summary>
public sealed record StepOutcome(torch.Tensor Loss, torch.Tensor GradNorm, double LearningRate, bool IsFinite);

/// <summary>
/// The optimisation of the HF Trainer, one optimizer step at a time: forward and backward on each micro-batch (loss divided
/// by their number, as gradient accumulation), clipping to a total L2 norm, AdamW with decoupled weight decay on the
/// decayed group, and the learning-rate schedule named by <see cref="TrainingArguments.LrSchedulerType"/>. The Trainer
/// drives it, the benchmarks time it, and the parity test drives it directly.
/// </summary>
public sealed class OptimizerStepper : IDisposable
{
    readonly torch.nn.Module<EncodedBatch, SequenceClassifierOutput> _model;
    readonly IReadOnlyList<Parameter> _parameters;
    readonly TrainingArguments _args;
    readonly IKernels? _kernels;

    public AdamW Optimizer { get; }
    public LearningRateSchedule Schedule { get; }
    /// <summary>Optimizer steps applied so far (the scheduler's last_epoch).</summary>
    public int StepsDone { get; set; }
    /// <summary>The learning rate the next step will use.</summary>
    public double CurrentLearningRate => Schedule.LearningRateAt(StepsDone);

    /// <param name="kernels">the optimizer step's kernel (<see cref="IKernels.Step"/>); null: <c>optimizer.step()</c></param>
    public OptimizerStepper(torch.nn.Module<EncodedBatch, SequenceClassifierOutput> model, TrainingArguments args, int totalSteps,
        int warmupSteps, IKernels? kernels = null)
    {
        _model = model;
        _kernels = kernels;
        _parameters = model.parameters().Where(p => p.requires_grad).ToList();
        _args = args;
        Optimizer = ParameterGroups.CreateAdamW(model, args);
        Schedule = new LearningRateSchedule(args.LearningRate, warmupSteps, totalSteps, args.LrSchedulerType);
    }

    /// <summary>
    /// The Trainer's step: each micro-batch of <paramref name="dataset"/> indices collated as the arguments say (padding,
    /// max length, multiple), moved to <paramref name="device"/>, then one update.
    /// </summary>
    public StepOutcome Step(IReadOnlyList<TokenizedExample> dataset, IEnumerable<int[]> microBatches, torch.Device device)
    {
        var batches = microBatches
            .Select(indices => Collator.Collate(indices.Select(i => dataset[i]).ToList(), _args.PadTokenId, _args.Padding,
                _args.MaxLength, padToMultipleOf: _args.PadToMultipleOf).To(device))
            .ToList();
        return Step(batches);
    }

    /// <summary>
    /// One update from <paramref name="microBatches"/>. When the loss or the gradient norm is not finite the update is
    /// skipped (weights stay as they were) and <see cref="StepOutcome.IsFinite"/> is false: a NaN update would ruin every
    /// weight, so this is the one value read back from the device at every step.
    /// </summary>
    public StepOutcome Step(IReadOnlyList<EncodedBatch> microBatches)
    {
        if (microBatches.Count == 0) throw new ArgumentException("A step needs at least one batch.", nameof(microBatches));
        double lr = CurrentLearningRate;
        foreach (var group in Optimizer.ParamGroups) group.LearningRate = lr;

        torch.Tensor? lossSum = null;
        foreach (var batch in microBatches)
        {
            var output = _model.call(batch);
            if (output.Loss is null) throw new InvalidOperationException("The model returned no loss: training batches need labels.");
            var loss = output.Loss / microBatches.Count; // ()
            loss.backward();
            lossSum = lossSum is null ? loss.detach() : lossSum + loss.detach();
        }

        var (gradNorm, clipCoefficient) = ClipCoefficient();
        bool finite = lossSum!.isfinite().logical_and(gradNorm.isfinite()).item<bool>();
        if (finite)
        {
            if (_kernels is not null) _kernels.Step(Optimizer, clipCoefficient); // clips in the update's own pass
            else
            {
                if (clipCoefficient is not null) ScaleGradients(_parameters, clipCoefficient);
                Optimizer.step();
            }
            StepsDone++;
        }
        // PyTorch's zero_grad(set_to_none=True), as HF's Trainer: the next backward writes fresh gradients instead of adding
        // to zeroed ones (TorchSharp's optimizer.zero_grad() zeroes them in place, a pass over every parameter's size).
        _model.zero_grad(set_to_none: true);
        return new StepOutcome(lossSum, gradNorm, lr, finite);
    }

    /// <summary>PyTorch's clip_grad_norm_, in two halves: the total L2 norm over all gradients (returned, before clipping) and
    /// the coefficient min(1, max / (norm + 1e-6)) to scale them by (null when <see cref="TrainingArguments.MaxGradNorm"/>
    /// is 0: no clipping). Kept on the device (no sync).</summary>
    (torch.Tensor Norm, torch.Tensor? Coefficient) ClipCoefficient()
    {
        var grads = _parameters.Select(p => p.grad).OfType<torch.Tensor>().ToList();
        if (grads.Count == 0) return (torch.zeros([]), null);
        var total = torch.stack(grads.Select(g => g.detach().norm(2f)).ToList()).norm(2f); // ()
        return (total, _args.MaxGradNorm > 0 ? (_args.MaxGradNorm / (total + 1e-6)).clamp_max(1.0) : null);
    }

    /// <summary>clip_grad_norm_'s second half: the gradient of each of <paramref name="parameters"/> times the coefficient,
    /// in place (also what a kernel does when it cannot fold it into its update, <see cref="IKernels.Step"/>).</summary>
    internal static void ScaleGradients(IEnumerable<Parameter> parameters, torch.Tensor coefficient)
    {
        using var noGrad = torch.no_grad();
        foreach (var p in parameters)
            using (var grad = p.grad) grad?.mul_(coefficient);
    }

    public void Dispose() => Optimizer.Dispose();
}
