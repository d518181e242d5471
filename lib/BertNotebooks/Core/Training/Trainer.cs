using System.Diagnostics;
using BertNotebooks.Evaluation;
using BertNotebooks.Modeling;
using BertNotebooks.Native;
using BertNotebooks.Tokenization;
using TorchSharp;

namespace BertNotebooks.Training;

/// <summary>
/// The Hugging Face Trainer's recipe for a sequence classifier: seeded batches (random or grouped by length) padded per
/// batch, AdamW + a learning-rate schedule + clipping (<see cref="OptimizerStepper"/>), logging, evaluation with
/// <see cref="ComputeMetrics"/> and checkpoints by steps or epochs, the best model kept and reloaded, exact resume,
/// Ctrl+C and divergence handled with a checkpoint. <see cref="Train"/> is the loop, one phase a method below it.
/// </summary>
public sealed partial class Trainer
{
    readonly torch.nn.Module<EncodedBatch, SequenceClassifierOutput> _model;
    readonly IReadOnlyList<TokenizedExample> _train;
    readonly IReadOnlyList<TokenizedExample>? _eval;

    public TrainingArguments Args { get; }
    public torch.Device Device { get; }
    /// <summary>fp32 or bf16 mixed precision, from
    /// <see cref="TrainingArguments.Precision"/> and the device; print it, and its
    /// Warning.</summary>
    public PrecisionChoice Precision { get; }
    /// <summary>HF's compute_metrics: the eval_* numbers of each evaluation besides eval_loss.</summary>
    public ComputeMetrics ComputeMetrics { get; }
    public TrainerState State { get; private set; } = new();
    /// <summary>The speed kernels the model and the optimizer step run with (<see cref="IKernels"/>); null: plain TorchSharp.</summary>
    public IKernels? Kernels { get; }

    /// <summary>Raised with each HF-style log entry (loss, grad_norm, learning_rate,
    /// epoch, step; or eval_*), as it is added to the log history.</summary>
    public event Action<IReadOnlyDictionary<string, double>>? OnLog;

    /// <summary>Told after every optimizer step and evaluation batch; called on the training thread.</summary>
    public IProgress<TrainerProgress>? Progress { get; set; }

    /// <param name="model">Saved in checkpoints as a full HF folder when it is an <see cref="ISavePretrained"/>, else as
    /// model.safetensors with the module's state-dict names.</param>
    /// <param name="classNames">With the default <paramref name="computeMetrics"/>, every class gets a row in the metrics.</param>
    /// <param name="computeMetrics">HF's compute_metrics; by default <see cref="ClassificationMetrics.ComputeSummary"/>.</param>
    /// <param name="kernels">the speed kernels, which take the places of modules of <paramref name="model"/> here
    /// (<see cref="IKernels.Apply"/>) and of the optimizer step; null: plain TorchSharp, fp32 only</param>
    public Trainer(torch.nn.Module<EncodedBatch, SequenceClassifierOutput> model, TrainingArguments args,
        IReadOnlyList<TokenizedExample> trainDataset, IReadOnlyList<TokenizedExample>? evalDataset = null,
        IReadOnlyList<string>? classNames = null, ComputeMetrics? computeMetrics = null, IKernels? kernels = null)
    {
        Args = args.Validate();
        if (trainDataset.Count == 0) throw new ArgumentException("The training set is empty.", nameof(trainDataset));
        var unlabeled = trainDataset.Select((e, i) => (e, i)).FirstOrDefault(x => x.e.Label < 0);
        if (unlabeled.e is not null)
            throw new ArgumentException(
                $"Training example {unlabeled.i} has no label ({unlabeled.e.Label}); every training example needs a class index >= 0.");
        if (args.EvalStrategy != IntervalStrategy.No && (evalDataset is null || evalDataset.Count == 0))
            throw new ArgumentException($"EvalStrategy is {args.EvalStrategy} but no evaluation set was given; " +
                "pass one or set EvalStrategy to No.");
        _model = model;
        _train = trainDataset;
        _eval = evalDataset;
        ComputeMetrics = computeMetrics ?? ClassificationMetrics.ComputeSummary(classNames);
        Device = Devices.Resolve(args.Device);
        Precision = PrecisionChoice.Choose(args.Precision, Hardware.Detect(Device), kernels is not null);
        _model.to(Device);
        Kernels = kernels;
        kernels?.Apply(_model, Precision.ComputeType);
    }

    int BatchesPerEpoch => (_train.Count + Args.PerDeviceTrainBatchSize - 1) / Args.PerDeviceTrainBatchSize;
    /// <summary>Optimizer steps per epoch: the last one takes the micro-batches left when they do not fill an accumulation.</summary>
    public int StepsPerEpoch => (BatchesPerEpoch + Args.GradientAccumulationSteps - 1) / Args.GradientAccumulationSteps;
    public int MaxSteps => Args.MaxSteps > 0 ? Args.MaxSteps : (int)Math.Ceiling(Args.NumTrainEpochs * StepsPerEpoch);
    public int WarmupSteps => Args.WarmupSteps > 0 ? Args.WarmupSteps : (int)Math.Ceiling(Args.WarmupRatio * MaxSteps);

    /// <summary>The example indices of epoch <paramref name="epoch"/>, cut into batches: the same for a given (Seed, epoch).</summary>
    public IReadOnlyList<int[]> EpochBatches(int epoch) => Samplers.EpochBatches(_train, Args, epoch);

    /// <summary>Runs the training. <paramref name="resumeFromCheckpoint"/>: a
    /// checkpoint folder or "latest" to continue a run exactly.</summary>
    public TrainResult Train(string? resumeFromCheckpoint = null, CancellationToken cancel = default)
    {
        using var stepper = new OptimizerStepper(_model, Args, MaxSteps, WarmupSteps, Kernels);
        using var loop = Begin(resumeFromCheckpoint, stepper);
        _model.train();
        while (!loop.IsDone(State.GlobalStep))
        {
            if (cancel.IsCancellationRequested) return Finish(loop, cancelled: true, SaveUnlessSaved(loop, stepper));
            int step = State.GlobalStep + 1;
            bool endOfEpoch = step % loop.StepsPerEpoch == 0;

            // 1. Train step: forward, backward, clip, AdamW, the scheduled learning rate.
            bool logDue = Due(Args.LoggingStrategy, Args.LoggingSteps, step, endOfEpoch) || step == loop.MaxSteps;
            var logged = TrainStep(loop, stepper, step, readLoss: logDue);
            AdvanceTo(loop, step);

            // 2. Maybe log: the mean loss since the last log, the gradient norm and the learning rate.
            if (logged is { } values) LogTraining(loop, values.LossSum, values.GradNorm, stepper.CurrentLearningRate);

            // 3. Maybe evaluate: metrics, the best model so far, early stopping.
            bool evaluate = Due(Args.EvalStrategy, Args.EffectiveEvalSteps, step, endOfEpoch);
            if (evaluate) EvaluateAndTrackBest(loop);

            // 4. Maybe save: on schedule, and after the last step so that the run can resume or reload its best model.
            bool lastStep = loop.IsDone(step);
            bool save = Due(Args.SaveStrategy, Args.SaveSteps, step, endOfEpoch) || (lastStep && Args.SaveStrategy != IntervalStrategy.No);
            if (save) SaveUnlessSaved(loop, stepper);
            if (evaluate || save) TorchNative.ReturnFreedMemory(); // the evaluation's batches, the checkpoint's buffers
        } // 5. Stop: after MaxSteps, or when early stopping fired in phase 3.

        loop.TotalLoss += loop.LoggedLoss.item<float>();
        if (Args.LoadBestModelAtEnd && State.BestModelCheckpoint is { } bestFolder) LoadModelWeights(bestFolder);
        return Finish(loop, cancelled: false, loop.LastCheckpoint);
    }

    TrainingLoop Begin(string? resumeFromCheckpoint, OptimizerStepper stepper)
    {
        State = new TrainerState
        {
            MaxSteps = MaxSteps, NumTrainEpochs = (MaxSteps + StepsPerEpoch - 1) / StepsPerEpoch, LoggingSteps = Args.LoggingSteps,
            EvalSteps = Args.EffectiveEvalSteps, SaveSteps = Args.SaveSteps, TrainBatchSize = Args.PerDeviceTrainBatchSize,
        };
        var checkpoint = resumeFromCheckpoint is null ? null : CheckpointFolders.Resolve(resumeFromCheckpoint, Args.OutputDir);
        if (checkpoint is not null) LoadCheckpoint(checkpoint, stepper);
        return new TrainingLoop(MaxSteps, StepsPerEpoch, State.GlobalStep, checkpoint, Device);
    }

    /// <summary>Phase 1. On resume the epoch's order is the same, so the data continues where it stopped. Returns the loss
    /// summed since the last log and the gradient norm when <paramref name="readLoss"/> (the one read-back from the device).</summary>
    (double LossSum, double GradNorm)? TrainStep(TrainingLoop loop, OptimizerStepper stepper, int step, bool readLoss)
    {
        // Dropout's random numbers come from (Seed, step), not from a generator that has run since the start.
        Reproducibility.SetStepSeed(Args.Seed, step);
        var (epoch, stepInEpoch) = loop.Position(step);
        var micro = loop.Batches(epoch, EpochBatches)
            .Skip(stepInEpoch * Args.GradientAccumulationSteps).Take(Args.GradientAccumulationSteps);
        using var scope = torch.NewDisposeScope();
        var outcome = stepper.Step(_train, micro, Device);
        if (!outcome.IsFinite)
        {
            // The update was skipped, so the weights are still those of the last good step: keep them.
            string? saved = Args.SaveStrategy == IntervalStrategy.No ? null : SaveUnlessSaved(loop, stepper);
            throw new TrainingDivergedException(State.GlobalStep, outcome.Loss.item<float>(), outcome.LearningRate, saved);
        }
        loop.LoggedLoss.add_(outcome.Loss);
        if (!readLoss) return null;
        // Inside the scope: TorchSharp's in-place ops return a new handle, which the scope disposes.
        double gradNorm = outcome.GradNorm.item<float>(), lossSum = loop.LoggedLoss.item<float>();
        loop.LoggedLoss.zero_();
        return (lossSum, gradNorm);
    }

    void AdvanceTo(TrainingLoop loop, int step)
    {
        var (epoch, stepInEpoch) = loop.Position(step);
        State.GlobalStep = step;
        State.Epoch = epoch + (double)(stepInEpoch + 1) / loop.StepsPerEpoch;
        Progress?.Report(new TrainerProgress("train", step, loop.MaxSteps, State.Epoch, loop.Clock.Elapsed));
    }

    /// <summary>Phase 2.</summary>
    void LogTraining(TrainingLoop loop, double lossSum, double gradNorm, double learningRate)
    {
        loop.TotalLoss += lossSum;
        Log(new Dictionary<string, double>
        {
            ["loss"] = Math.Round(lossSum / (State.GlobalStep - loop.LastLoggedStep), 4),
            ["grad_norm"] = gradNorm,
            ["learning_rate"] = learningRate,
            ["epoch"] = State.Epoch,
        });
        loop.LastLoggedStep = State.GlobalStep;
    }

    /// <summary>Phase 3: the best metric and its step in <see cref="State"/> (the checkpoint saved at that step becomes the
    /// best model), or one more evaluation without improvement towards <see cref="TrainingArguments.EarlyStoppingPatience"/>.</summary>
    void EvaluateAndTrackBest(TrainingLoop loop)
    {
        var metrics = Evaluate().Metrics;
        if (!metrics.TryGetValue(Args.MetricKey, out var value))
            throw new ArgumentException(
                $"MetricForBestModel '{Args.MetricForBestModel}' is not among the evaluation metrics ({string.Join(", ", metrics.Keys)}).");
        if (State.BestMetric is not { } best || (Args.IsGreaterBetter ? value > best : value < best))
        {
            State.BestMetric = value;
            State.BestGlobalStep = State.GlobalStep;
            State.EarlyStoppingPatienceCounter = 0;
        }
        else if (Args.EarlyStoppingPatience is { } patience && ++State.EarlyStoppingPatienceCounter >= patience)
            loop.EarlyStopped = true;
    }

    static bool Due(IntervalStrategy strategy, int every, int step, bool endOfEpoch) => strategy switch
    {
        IntervalStrategy.Steps => step % every == 0,
        IntervalStrategy.Epoch => endOfEpoch,
        _ => false,
    };

    TrainResult Finish(TrainingLoop loop, bool cancelled, string? lastCheckpoint)
    {
        int steps = State.GlobalStep - loop.StartStep;
        double seconds = Math.Max(loop.Clock.Elapsed.TotalSeconds, 1e-9);
        var metrics = new Dictionary<string, double>
        {
            ["train_runtime"] = Math.Round(loop.Clock.Elapsed.TotalSeconds, 4),
            ["train_samples_per_second"] = Math.Round(steps * Args.PerDeviceTrainBatchSize * Args.GradientAccumulationSteps / seconds, 3),
            ["train_steps_per_second"] = Math.Round(steps / seconds, 3),
            ["epoch"] = State.Epoch,
        };
        double trainLoss = steps > 0 ? loop.TotalLoss / steps : double.NaN; // a run resumed at its end trained no step
        if (steps > 0) metrics["train_loss"] = trainLoss;
        Log(metrics);
        return new TrainResult(State.GlobalStep, trainLoss, metrics, cancelled, lastCheckpoint, State.BestModelCheckpoint, State);
    }

    void Log(Dictionary<string, double> entry)
    {
        entry["step"] = State.GlobalStep;
        State.LogHistory.Add(entry);
        OnLog?.Invoke(entry);
    }

    /// <summary>
    /// Loss and <see cref="ComputeMetrics"/> on the evaluation set (or <paramref name="dataset"/>), logged with the eval_
    /// prefix. The forward passes are the <c>Predictor</c>'s (<see cref="BatchedForward"/>): batches by length,
    /// each padded to its longest example whatever <see cref="TrainingArguments.Padding"/> says for training.
    /// </summary>
    public EvaluationOutput Evaluate(IReadOnlyList<TokenizedExample>? dataset = null, string metricPrefix = "eval")
    {
        dataset ??= _eval ?? throw new InvalidOperationException("No evaluation set: pass one to the Trainer or to Evaluate.");
        if (dataset.Any(e => e.Label < 0))
            throw new ArgumentException("Every evaluation example needs a label >= 0; use a Predictor for unlabeled texts.");
        var clock = Stopwatch.StartNew();
        var options = new ForwardOptions(Args.PerDeviceEvalBatchSize, Device, Args.PadTokenId);
        var forward = BatchedForward.Run(_model, dataset, options, withLabels: true,
            (done, total) => Progress?.Report(new TrainerProgress("evaluate", done, total, State.Epoch, clock.Elapsed)));
        var labels = dataset.Select(e => e.Label).ToList();
        var metrics = new Dictionary<string, double> { [$"{metricPrefix}_loss"] = forward.LossSum!.Value / dataset.Count };
        foreach (var (name, value) in ComputeMetrics(new EvalPrediction(forward.Logits, labels))) metrics[$"{metricPrefix}_{name}"] = value;
        metrics[$"{metricPrefix}_runtime"] = Math.Round(clock.Elapsed.TotalSeconds, 4);
        metrics[$"{metricPrefix}_samples_per_second"] = Math.Round(dataset.Count / Math.Max(clock.Elapsed.TotalSeconds, 1e-9), 3);
        metrics["epoch"] = State.Epoch;
        Log(metrics);
        return new EvaluationOutput(metrics, forward.Logits, labels);
    }
}
