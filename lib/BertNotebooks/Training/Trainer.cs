using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using BertNotebooks.Checkpoints;
using BertNotebooks.Evaluation;
using BertNotebooks.IO;
using BertNotebooks.Modeling;
using BertNotebooks.Native;
using BertNotebooks.Tokenization;
using TorchSharp;

namespace BertNotebooks.Training;

/// <summary>
/// The Hugging Face Trainer's recipe for a sequence classifier: seeded batches (random or grouped by length) padded per
/// batch, AdamW + linear schedule + clipping (<see cref="OptimizerStepper"/>), logging, evaluation and checkpoints by steps
/// or epochs, the best model kept and reloaded, exact resume, Ctrl+C and divergence handled with a checkpoint.
/// </summary>
public sealed class Trainer
{
    readonly torch.nn.Module<EncodedBatch, SequenceClassifierOutput> _model;
    readonly IReadOnlyList<TokenizedExample> _train;
    readonly IReadOnlyList<TokenizedExample>? _eval;
    readonly IReadOnlyList<string>? _classNames;
    readonly Action<string> _saveModel;

    public TrainingArguments Args { get; }
    public torch.Device Device { get; }
    /// <summary>fp32 or bf16 mixed precision, from <see cref="TrainingArguments.Precision"/> and the device; print it, and its Warning.</summary>
    public PrecisionChoice Precision { get; }
    public TrainerState State { get; private set; } = new();

    /// <summary>Raised with each HF-style log entry (loss, grad_norm, learning_rate, epoch, step; or eval_*), as it is added to the log history.</summary>
    public event Action<IReadOnlyDictionary<string, double>>? OnLog;

    /// <summary>Told after every optimizer step and evaluation batch; called on the training thread.</summary>
    public IProgress<TrainerProgress>? Progress { get; set; }

    /// <param name="saveModel">Writes the model into a checkpoint folder; the default writes model.safetensors with the module's
    /// state-dict names. Pass one that writes a full HF folder (config.json, tokenizer files) for checkpoints a predictor can load.</param>
    public Trainer(torch.nn.Module<EncodedBatch, SequenceClassifierOutput> model, TrainingArguments args,
        IReadOnlyList<TokenizedExample> trainDataset, IReadOnlyList<TokenizedExample>? evalDataset = null,
        IReadOnlyList<string>? classNames = null, Action<string>? saveModel = null)
    {
        Args = args.Validate();
        if (trainDataset.Count == 0) throw new ArgumentException("The training set is empty.", nameof(trainDataset));
        var unlabeled = trainDataset.Select((e, i) => (e, i)).FirstOrDefault(x => x.e.Label < 0);
        if (unlabeled.e is not null) throw new ArgumentException($"Training example {unlabeled.i} has no label ({unlabeled.e.Label}); every training example needs a class index >= 0.");
        if (args.EvalStrategy != IntervalStrategy.No && (evalDataset is null || evalDataset.Count == 0))
            throw new ArgumentException($"EvalStrategy is {args.EvalStrategy} but no evaluation set was given; pass one or set EvalStrategy to No.");
        _model = model;
        _train = trainDataset;
        _eval = evalDataset;
        _classNames = classNames;
        _saveModel = saveModel ?? (folder => SafeTensors.Save(Path.Combine(folder, CheckpointFiles.Weights), _model.state_dict()));
        Device = Devices.Resolve(args.Device);
        Precision = PrecisionChoice.Choose(args.Precision, Hardware.Detect(Device));
        _model.to(Device);
    }

    int BatchesPerEpoch => (_train.Count + Args.PerDeviceTrainBatchSize - 1) / Args.PerDeviceTrainBatchSize;
    /// <summary>Optimizer steps per epoch: the last one takes the micro-batches left when they do not fill an accumulation.</summary>
    public int StepsPerEpoch => (BatchesPerEpoch + Args.GradientAccumulationSteps - 1) / Args.GradientAccumulationSteps;
    public int MaxSteps => Args.MaxSteps > 0 ? Args.MaxSteps : (int)Math.Ceiling(Args.NumTrainEpochs * StepsPerEpoch);
    public int WarmupSteps => Args.WarmupSteps > 0 ? Args.WarmupSteps : (int)Math.Ceiling(Args.WarmupRatio * MaxSteps);

    /// <summary>The example indices of epoch <paramref name="epoch"/>, cut into batches: the same for a given (Seed, epoch).</summary>
    public IReadOnlyList<int[]> EpochBatches(int epoch)
    {
        var order = Args.GroupByLength
            ? Samplers.LengthGroupedOrder(_train.Select(e => e.Length).ToList(), Args.PerDeviceTrainBatchSize, Args.Seed, epoch)
            : Samplers.RandomOrder(_train.Count, Args.Seed, epoch);
        return order.Chunk(Args.PerDeviceTrainBatchSize).ToList();
    }

    /// <summary>Runs the training. <paramref name="resumeFromCheckpoint"/>: a checkpoint folder or "latest" to continue a run exactly.</summary>
    public TrainResult Train(string? resumeFromCheckpoint = null, CancellationToken cancel = default)
    {
        int maxSteps = MaxSteps, stepsPerEpoch = StepsPerEpoch;
        int numEpochs = (maxSteps + stepsPerEpoch - 1) / stepsPerEpoch;
        using var stepper = new OptimizerStepper(_model, Args, maxSteps, WarmupSteps);
        State = new TrainerState
        {
            MaxSteps = maxSteps, NumTrainEpochs = numEpochs, LoggingSteps = Args.LoggingSteps, EvalSteps = Args.EffectiveEvalSteps,
            SaveSteps = Args.SaveSteps, TrainBatchSize = Args.PerDeviceTrainBatchSize,
        };
        if (resumeFromCheckpoint is not null) LoadCheckpoint(CheckpointFolders.Resolve(resumeFromCheckpoint, Args.OutputDir), stepper);

        int startStep = State.GlobalStep, lastLoggedStep = State.GlobalStep;
        string? lastCheckpoint = resumeFromCheckpoint is null ? null : CheckpointFolders.Resolve(resumeFromCheckpoint, Args.OutputDir);
        int lastSavedStep = resumeFromCheckpoint is null ? -1 : State.GlobalStep;
        int? bestEvalStep = null;
        string SaveUnlessSaved()
        {
            if (lastSavedStep != State.GlobalStep || lastCheckpoint is null) (lastCheckpoint, lastSavedStep) = (SaveCheckpoint(stepper, bestEvalStep), State.GlobalStep);
            return lastCheckpoint!;
        }
        double totalLoss = 0;
        var clock = Stopwatch.StartNew();
        using var loggedLoss = torch.zeros([], device: Device); // sum of step losses since the last log, kept on the device
        _model.train();

        bool stop = State.GlobalStep >= maxSteps;
        for (int epoch = State.GlobalStep / stepsPerEpoch; epoch < numEpochs && !stop; epoch++)
        {
            var batches = EpochBatches(epoch);
            // On resume, skip the steps this epoch already consumed: the order is the same, so the data continues where it stopped.
            for (int stepInEpoch = State.GlobalStep - epoch * stepsPerEpoch; stepInEpoch < stepsPerEpoch && !stop; stepInEpoch++)
            {
                if (cancel.IsCancellationRequested)
                {
                    return Finish(clock, startStep, totalLoss, cancelled: true, SaveUnlessSaved());
                }
                bool endOfEpoch = stepInEpoch == stepsPerEpoch - 1;
                int step = State.GlobalStep + 1;
                bool log = Due(Args.LoggingStrategy, Args.LoggingSteps, step, endOfEpoch) || step == maxSteps;
                double? gradNorm = null, loggedSum = null;
                // Dropout's random numbers come from (Seed, step), not from a generator that has run since the start: a resumed
                // run then draws exactly what the uninterrupted one did, on the GPU too (TorchSharp cannot save CUDA's RNG state).
                Reproducibility.SetSeed(Args.Seed * 1_000_003L + step);
                using (var scope = torch.NewDisposeScope())
                {
                    var micro = batches.Skip(stepInEpoch * Args.GradientAccumulationSteps).Take(Args.GradientAccumulationSteps)
                        .Select(indices => Collator.Collate(indices.Select(i => _train[i]).ToList(), Args.Padding, Args.MaxLength).To(Device))
                        .ToList();
                    StepOutcome outcome;
                    using (Modeling.Autocast.Enable(Precision.ComputeType)) outcome = stepper.Step(micro);
                    if (!outcome.IsFinite)
                    {
                        // The update was skipped, so the weights are still those of the last good step: keep them.
                        string? saved = Args.SaveStrategy == IntervalStrategy.No ? null : SaveUnlessSaved();
                        throw new TrainingDivergedException(State.GlobalStep, outcome.Loss.item<float>(), outcome.LearningRate, saved);
                    }
                    loggedLoss.add_(outcome.Loss);
                    if (log)
                    {
                        // Inside the scope: TorchSharp's in-place ops return a new handle, which the scope disposes.
                        gradNorm = outcome.GradNorm.item<float>();
                        loggedSum = loggedLoss.item<float>();
                        loggedLoss.zero_();
                    }
                }
                State.GlobalStep = step;
                State.Epoch = epoch + (double)(stepInEpoch + 1) / stepsPerEpoch;
                Progress?.Report(new TrainerProgress("train", step, maxSteps, State.Epoch, clock.Elapsed));

                if (loggedSum is { } sum)
                {
                    totalLoss += sum;
                    Log(new Dictionary<string, double>
                    {
                        ["loss"] = Math.Round(sum / (step - lastLoggedStep), 4),
                        ["grad_norm"] = gradNorm!.Value,
                        ["learning_rate"] = stepper.CurrentLearningRate,
                        ["epoch"] = State.Epoch,
                    });
                    lastLoggedStep = step;
                }
                if (Due(Args.EvalStrategy, Args.EffectiveEvalSteps, step, endOfEpoch))
                {
                    var metrics = Evaluate().Metrics;
                    if (!metrics.TryGetValue(Args.MetricKey, out var value))
                        throw new ArgumentException($"MetricForBestModel '{Args.MetricForBestModel}' is not among the evaluation metrics ({string.Join(", ", metrics.Keys)}).");
                    if (State.BestMetric is not { } best || (Args.IsGreaterBetter ? value > best : value < best))
                    {
                        State.BestMetric = value;
                        State.BestGlobalStep = step;
                        State.EarlyStoppingPatienceCounter = 0;
                        bestEvalStep = step;
                    }
                    else if (Args.EarlyStoppingPatience is { } patience && ++State.EarlyStoppingPatienceCounter >= patience)
                        stop = true;
                }
                if (step >= maxSteps) stop = true;
                if (Due(Args.SaveStrategy, Args.SaveSteps, step, endOfEpoch) || (stop && Args.SaveStrategy != IntervalStrategy.No))
                    SaveUnlessSaved();
            }
        }
        totalLoss += loggedLoss.item<float>();
        if (Args.LoadBestModelAtEnd && State.BestModelCheckpoint is { } bestFolder) LoadModelWeights(bestFolder);
        return Finish(clock, startStep, totalLoss, cancelled: false, lastCheckpoint);
    }

    static bool Due(IntervalStrategy strategy, int every, int step, bool endOfEpoch) => strategy switch
    {
        IntervalStrategy.Steps => step % every == 0,
        IntervalStrategy.Epoch => endOfEpoch,
        _ => false,
    };

    TrainResult Finish(Stopwatch clock, int startStep, double totalLoss, bool cancelled, string? lastCheckpoint)
    {
        int steps = State.GlobalStep - startStep;
        double seconds = clock.Elapsed.TotalSeconds;
        var metrics = new Dictionary<string, double>
        {
            ["train_runtime"] = Math.Round(seconds, 4),
            ["train_samples_per_second"] = Math.Round(steps * Args.PerDeviceTrainBatchSize * Args.GradientAccumulationSteps / Math.Max(seconds, 1e-9), 3),
            ["train_steps_per_second"] = Math.Round(steps / Math.Max(seconds, 1e-9), 3),
            ["epoch"] = State.Epoch,
        };
        if (steps > 0) metrics["train_loss"] = totalLoss / steps; // a run resumed at its end trained no step
        Log(metrics);
        return new TrainResult(State.GlobalStep, steps > 0 ? totalLoss / steps : double.NaN, metrics, cancelled, lastCheckpoint, State.BestModelCheckpoint, State);
    }

    void Log(Dictionary<string, double> entry)
    {
        entry["step"] = State.GlobalStep;
        State.LogHistory.Add(entry);
        OnLog?.Invoke(entry);
    }

    /// <summary>Loss and sklearn metrics on the evaluation set (or <paramref name="dataset"/>), logged with the eval_ prefix.</summary>
    public EvaluationOutput Evaluate(IReadOnlyList<TokenizedExample>? dataset = null, string metricPrefix = "eval")
    {
        dataset ??= _eval ?? throw new InvalidOperationException("No evaluation set: pass one to the Trainer or to Evaluate.");
        var clock = Stopwatch.StartNew();
        var (logits, lossSum) = Run(dataset, "evaluate", clock);
        var labels = dataset.Select(e => e.Label).ToList();
        // With class names, every class gets a row (sklearn's labels=range(num_labels)), also one missing from this set.
        var report = ClassificationMetrics.Compute(labels, logits.Select(l => MostConfidentMistakes.ArgMax(l)).ToList(), _classNames,
            _classNames is null ? null : Enumerable.Range(0, _classNames.Count).ToList());
        var metrics = new Dictionary<string, double> { [$"{metricPrefix}_loss"] = lossSum / dataset.Count };
        foreach (var (name, value) in report.Summary) metrics[$"{metricPrefix}_{name}"] = value;
        metrics[$"{metricPrefix}_runtime"] = Math.Round(clock.Elapsed.TotalSeconds, 4);
        metrics[$"{metricPrefix}_samples_per_second"] = Math.Round(dataset.Count / Math.Max(clock.Elapsed.TotalSeconds, 1e-9), 3);
        metrics["epoch"] = State.Epoch;
        Log(metrics);
        return new EvaluationOutput(metrics, report, logits, labels);
    }

    /// <summary>Logits for every example, in order (labels, where present, are ignored).</summary>
    public IReadOnlyList<float[]> Predict(IReadOnlyList<TokenizedExample> dataset) => Run(dataset, "predict", Stopwatch.StartNew()).Logits;

    (IReadOnlyList<float[]> Logits, double LossSum) Run(IReadOnlyList<TokenizedExample> dataset, string stage, Stopwatch clock)
    {
        bool wasTraining = _model.training;
        bool withLabels = dataset.All(e => e.Label >= 0);
        if (stage == "evaluate" && !withLabels) throw new ArgumentException("Every evaluation example needs a label >= 0; use Predict for unlabeled texts.");
        _model.eval();
        var logits = new List<float[]>(dataset.Count);
        using var lossSum = torch.zeros([], torch.float64, Device);
        var batches = dataset.Chunk(Args.PerDeviceEvalBatchSize).ToList();
        using (torch.no_grad())
        using (Modeling.Autocast.Enable(Precision.ComputeType))
        {
            for (int b = 0; b < batches.Count; b++)
            {
                using var scope = torch.NewDisposeScope();
                var output = _model.call(Collator.Collate(batches[b], Args.Padding, Args.MaxLength, withLabels).To(Device));
                if (output.Loss is { } loss) lossSum.add_(loss.to(torch.float64) * batches[b].Length); // mean over examples, as HF
                var rows = output.Logits.to(torch.float32).cpu(); // (B, C)
                int classes = (int)rows.shape[1];
                var flat = rows.data<float>().ToArray();
                for (int i = 0; i < batches[b].Length; i++) logits.Add(flat.AsSpan(i * classes, classes).ToArray());
                Progress?.Report(new TrainerProgress(stage, b + 1, batches.Count, State.Epoch, clock.Elapsed));
            }
        }
        if (wasTraining) _model.train();
        return (logits, lossSum.item<double>());
    }

    /// <summary>Writes the model into <paramref name="folder"/> atomically (the final model, for example).</summary>
    public void SaveModel(string folder) => AtomicFile.WriteDirectory(folder, _saveModel);

    string SaveCheckpoint(OptimizerStepper stepper, int? bestEvalStep)
    {
        var path = Path.GetFullPath(Path.Combine(Args.OutputDir, $"{CheckpointFolders.Prefix}{State.GlobalStep}"));
        if (bestEvalStep == State.GlobalStep) State.BestModelCheckpoint = path;
        AtomicFile.WriteDirectory(path, dir =>
        {
            // The model first: a saver may itself replace the (still empty) folder atomically, as SavePretrained does.
            _saveModel(dir);
            stepper.Optimizer.save_state_dict(Path.Combine(dir, "optimizer.bin"));
            AtomicFile.WriteJson(Path.Combine(dir, "scheduler.json"), new SchedulerState(stepper.StepsDone, stepper.Schedule));
            AtomicFile.WriteJson(Path.Combine(dir, "training_args.json"), Args);
            State.Save(Path.Combine(dir, "trainer_state.json"));
        });
        CheckpointFolders.Rotate(Args.OutputDir, Args.SaveTotalLimit, State.BestModelCheckpoint);
        return path;
    }

    void LoadCheckpoint(string folder, OptimizerStepper stepper)
    {
        var saved = TrainerState.Load(Path.Combine(folder, "trainer_state.json"));
        if (saved.MaxSteps != State.MaxSteps)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{folder} was saved by a run of {saved.MaxSteps} steps, but these arguments make {State.MaxSteps}; resume with the same epochs, batch size and data."));
        State = saved;
        LoadModelWeights(folder);
        var optimizer = Path.Combine(folder, "optimizer.bin");
        if (!File.Exists(optimizer)) throw new FileNotFoundException($"{optimizer} is missing, so the run cannot continue exactly; start a new run instead.", optimizer);
        stepper.Optimizer.load_state_dict(optimizer);
        var scheduler = Path.Combine(folder, "scheduler.json");
        stepper.StepsDone = (File.Exists(scheduler) ? JsonSerializer.Deserialize<SchedulerState>(File.ReadAllText(scheduler)) : null)?.LastEpoch
            ?? throw new InvalidDataException($"{scheduler} is missing or empty, so the learning-rate schedule cannot continue; start a new run instead.");
    }

    void LoadModelWeights(string folder)
    {
        var weights = CheckpointFiles.LoadStateDict(folder);
        try
        {
            _model.load_state_dict(weights, strict: true);
        }
        finally
        {
            foreach (var t in weights.Values) t.Dispose();
        }
    }

    sealed record SchedulerState(int LastEpoch, LinearSchedule Schedule);
}
