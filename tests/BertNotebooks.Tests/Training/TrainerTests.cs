using BertNotebooks.Checkpoints;
using BertNotebooks.Evaluation;
using BertNotebooks.Tokenization;
using BertNotebooks.Training;
using TorchSharp;

namespace BertNotebooks.Tests.Training;

[Collection(GlobalRngCollection.Name)]
public sealed class TrainerTests : IDisposable
{
    readonly string _dir = Path.Combine(Path.GetTempPath(), "bertnb-trainer-" + Guid.NewGuid().ToString("N"));
    readonly IReadOnlyList<TokenizedExample> _train = TinyData.Make(40, seed: 1);
    readonly IReadOnlyList<TokenizedExample> _eval = TinyData.Make(12, seed: 2);

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    TrainingArguments Args(string name) => new()
    {
        OutputDir = Path.Combine(_dir, name), NumTrainEpochs = 3, PerDeviceTrainBatchSize = 8, PerDeviceEvalBatchSize = 5,
        LearningRate = 5e-2, WarmupSteps = 2, WeightDecay = 0.01, LoggingSteps = 1, SaveSteps = 5, Seed = 7, Device = "cpu",
    };

    static Dictionary<string, float[]> Weights(torch.nn.Module model) =>
        model.state_dict().ToDictionary(p => p.Key, p => p.Value.detach().cpu().data<float>().ToArray());

    static void SameWeights(Dictionary<string, float[]> expected, Dictionary<string, float[]> actual)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, values) in expected)
            for (int i = 0; i < values.Length; i++)
                Assert.True(Math.Abs(values[i] - actual[name][i]) <= 1e-6, $"{name}[{i}]: {actual[name][i]} vs {values[i]}");
    }

    [Fact]
    public void RerunWithTheSameSeedGivesIdenticalLosses()
    {
        List<double> Losses()
        {
            using var model = new TinyClassifier();
            var trainer = new Trainer(model, Args("a") with { SaveStrategy = IntervalStrategy.No }, _train);
            trainer.Train();
            return trainer.State.LogHistory.Where(e => e.ContainsKey("loss")).Select(e => e["loss"]).ToList();
        }
        var first = Losses();
        Assert.Equal(15, first.Count); // 3 epochs of ceil(40 / 8) = 5 steps, logged every step
        Assert.Equal(first, Losses());
        Assert.True(first[^1] < first[0], $"the loss should fall on this learnable task: {first[0]} -> {first[^1]}");
    }

    [Fact]
    public void ResumingACancelledRunEndsWithTheSameWeightsAsAnUninterruptedRun()
    {
        using var straight = new TinyClassifier();
        new Trainer(straight, Args("straight"), _train).Train();

        using var interrupted = new TinyClassifier();
        using var cancel = new CancellationTokenSource();
        var first = new Trainer(interrupted, Args("resumed"), _train)
        {
            Progress = new Synchronous<TrainerProgress>(p => { if (p.Step == 7) cancel.Cancel(); }),
        };
        var stopped = first.Train(cancel: cancel.Token);
        Assert.True(stopped.Cancelled);
        Assert.Equal(7, stopped.GlobalStep);
        Assert.EndsWith("checkpoint-7", stopped.LastCheckpoint);

        using var fresh = new TinyClassifier(seed: 99); // different initial weights: everything must come from the checkpoint
        var resumed = new Trainer(fresh, Args("resumed"), _train).Train("latest");
        Assert.False(resumed.Cancelled);
        Assert.Equal(15, resumed.GlobalStep);
        SameWeights(Weights(straight), Weights(fresh));
    }

    [Fact]
    public void ACosineScheduleIsLoggedAsHuggingFacesAndResumesWhereItStopped()
    {
        var args = Args("cosine") with { LrSchedulerType = LearningRateSchedule.Cosine, MaxSteps = 10 };
        using var straight = new TinyClassifier();
        var logged = new Trainer(straight, args with { OutputDir = Path.Combine(_dir, "cosine-straight") }, _train).Train()
            .State.LogHistory.Where(e => e.ContainsKey("learning_rate")).Select(e => e["learning_rate"]).ToList();
        // Logged after step s (1-based): the rate of the next step, 5e-2 * 0.5 * (1 + cos(pi * (s - 2) / 8)) past the warmup.
        var expected = Enumerable.Range(1, 10)
            .Select(s => new LearningRateSchedule(5e-2, 2, 10, LearningRateSchedule.Cosine).LearningRateAt(s));
        Assert.Equal(expected, logged);
        Assert.Equal(5e-2 * 0.5 * (1 + Math.Cos(Math.PI / 8)), logged[2], 12);

        using var interrupted = new TinyClassifier();
        using var cancel = new CancellationTokenSource();
        new Trainer(interrupted, args, _train) { Progress = new Synchronous<TrainerProgress>(p => { if (p.Step == 5) cancel.Cancel(); }) }
            .Train(cancel: cancel.Token);
        using var other = new TinyClassifier();
        var linear = Assert.Throws<ArgumentException>(() =>
            new Trainer(other, args with { LrSchedulerType = "linear" }, _train).Train("latest"));
        Assert.Contains("'cosine' schedule", linear.Message);
        using var fresh = new TinyClassifier(seed: 99);
        new Trainer(fresh, args, _train).Train("latest");
        SameWeights(Weights(straight), Weights(fresh));
    }

    [Fact]
    public void ComputeMetricsNamesTheEvalMetricsAndCanPickTheBestModel()
    {
        using var model = new TinyClassifier();
        // HF's compute_metrics(EvalPrediction): here the share of examples whose label is among the top two logits.
        ComputeMetrics top2 = p => new Dictionary<string, double>
        {
            ["top2_accuracy"] = p.Predictions.Zip(p.LabelIds).Average(x => x.First.Count(v => v > x.First[x.Second]) < 2 ? 1.0 : 0.0),
        };
        var args = Args("top2") with
        {
            EvalStrategy = IntervalStrategy.Steps,
            EvalSteps = 5,
            LoadBestModelAtEnd = true,
            MetricForBestModel = "top2_accuracy",
        };
        var result = new Trainer(model, args, _train, _eval, computeMetrics: top2).Train();
        var evals = result.State.LogHistory.Where(e => e.ContainsKey("eval_loss")).ToList();
        Assert.All(evals, e => Assert.InRange(e["eval_top2_accuracy"], 0, 1));
        Assert.DoesNotContain(evals, e => e.ContainsKey("eval_accuracy")); // the default metrics are replaced, not added to
        Assert.Equal(evals.Max(e => e["eval_top2_accuracy"]), result.State.BestMetric);
    }

    [Fact]
    public void RotationKeepsTheBestCheckpointAndTheBestModelIsReloaded()
    {
        using var model = new TinyClassifier();
        var args = Args("best") with
        {
            EvalStrategy = IntervalStrategy.Steps,
            EvalSteps = 1,
            SaveSteps = 1,
            SaveTotalLimit = 1,
            LoadBestModelAtEnd = true,
            LearningRate = 0.3, // large enough that the eval loss goes up again, so the best is not the last
        };
        var result = new Trainer(model, args, _train, _eval).Train();

        var evals = result.State.LogHistory.Where(e => e.ContainsKey("eval_loss")).ToList();
        var best = evals.MinBy(e => e["eval_loss"])!;
        Assert.Equal(best["eval_loss"], result.State.BestMetric);
        Assert.EndsWith($"checkpoint-{(int)best["step"]}", result.BestModelCheckpoint);
        var left = CheckpointFolders.List(args.OutputDir);
        Assert.Contains(result.BestModelCheckpoint, left);
        Assert.Contains(Path.GetFullPath(Path.Combine(args.OutputDir, "checkpoint-15")), left);
        Assert.True(left.Count <= 2, $"SaveTotalLimit 1 keeps the newest and the best: {string.Join(", ", left)}");

        var saved = CheckpointFiles.LoadStateDict(result.BestModelCheckpoint!);
        SameWeights(saved.ToDictionary(p => p.Key, p => p.Value.data<float>().ToArray()), Weights(model));
    }

    [Fact]
    public void ANanLossStopsWithAClearErrorAndLeavesTheLastGoodWeights()
    {
        using var model = new TinyClassifier { NanFromCall = 3 };
        var args = Args("nan");
        var error = Assert.Throws<TrainingDivergedException>(() => new Trainer(model, args, _train).Train());

        Assert.Equal(3, error.Step);
        Assert.Contains("diverged at step 4", error.Message);
        Assert.Contains("Lower the learning rate", error.Message);
        Assert.EndsWith("checkpoint-3", error.CheckpointPath);
        var saved = CheckpointFiles.LoadStateDict(error.CheckpointPath!);
        Assert.All(saved.Values, t => Assert.True(t.isfinite().all().item<bool>()));
        SameWeights(saved.ToDictionary(p => p.Key, p => p.Value.data<float>().ToArray()), Weights(model));
    }

    [Fact]
    public void EarlyStoppingStopsAfterPatienceEvaluationsWithoutImprovement()
    {
        using var model = new TinyClassifier();
        var args = Args("early") with
        {
            EvalStrategy = IntervalStrategy.Steps,
            EvalSteps = 1,
            SaveSteps = 1,
            LoadBestModelAtEnd = true,
            EarlyStoppingPatience = 2,
            LearningRate = 0.3,
            NumTrainEpochs = 20,
        };
        var result = new Trainer(model, args, _train, _eval).Train();
        var losses = result.State.LogHistory.Where(e => e.ContainsKey("eval_loss")).Select(e => e["eval_loss"]).ToList();
        Assert.True(result.GlobalStep < 100, "with the loss rising again, patience 2 stops well before 20 epochs");
        Assert.True(losses[^1] >= losses.Take(losses.Count - 2).Min() && losses[^2] >= losses.Take(losses.Count - 2).Min(),
            "the last two evaluations did not improve on the best before them");
    }

    [Fact]
    public void EvaluationLogsLossAndSklearnMetricsUnderEvalNames()
    {
        using var model = new TinyClassifier();
        var trainer = new Trainer(model, Args("eval") with { SaveStrategy = IntervalStrategy.No, GroupByLength = true }, _train, _eval);
        var logs = new List<IReadOnlyDictionary<string, double>>();
        trainer.OnLog += logs.Add;
        trainer.Train();
        var output = trainer.Evaluate();

        Assert.Equal(_eval.Count, output.Logits.Count);
        var expected = ClassificationMetrics.Compute(output.Labels, output.Predictions);
        Assert.Equal(expected.Accuracy, output.Metrics["eval_accuracy"]);
        Assert.Equal(expected.MacroF1, output.Metrics["eval_f1_macro"]);
        Assert.True(output.Metrics["eval_loss"] > 0);
        Assert.Contains(logs, l => l.ContainsKey("grad_norm") && l.ContainsKey("learning_rate") && l.ContainsKey("epoch"));
        Assert.Same(logs[^1], trainer.State.LogHistory[^1]);
    }

    [Fact]
    public void CheckpointHoldsHfTrainerStateAndEverythingNeededToResume()
    {
        using var model = new TinyClassifier();
        var args = Args("files") with { MaxSteps = 5 };
        var result = new Trainer(model, args, _train).Train();
        var folder = result.LastCheckpoint!;
        foreach (var file in new[] { "model.safetensors", "optimizer.bin", "scheduler.json", "trainer_state.json", "training_args.json" })
            Assert.True(File.Exists(Path.Combine(folder, file)), file);
        var json = File.ReadAllText(Path.Combine(folder, "trainer_state.json"));
        foreach (var key in new[] { "\"global_step\": 5", "\"log_history\"", "\"best_metric\"", "\"best_model_checkpoint\"", "\"epoch\"" })
            Assert.Contains(key, json);
        Assert.Empty(Directory.GetDirectories(args.OutputDir, "*.tmp"));
    }

    [Fact]
    public void TwoAccumulatedHalfBatchesEqualOneFullBatch()
    {
        // Batch 8 versus 2 x 4 with accumulation: the same 8 examples per step (the order is cut into 4s instead of 8s), the
        // loss of each half divided by 2, so the same gradients and weights. No dropout: its masks depend on the batch shape.
        using var whole = new TinyClassifier(dropoutProbability: 0);
        using var halves = new TinyClassifier(dropoutProbability: 0);
        new Trainer(whole, Args("whole") with { SaveStrategy = IntervalStrategy.No }, _train).Train();
        var accumulated = new Trainer(halves,
            Args("halves") with { SaveStrategy = IntervalStrategy.No, PerDeviceTrainBatchSize = 4, GradientAccumulationSteps = 2 }, _train);
        Assert.Equal(5, accumulated.StepsPerEpoch);
        accumulated.Train();
        SameWeights(Weights(whole), Weights(halves));
    }

    [Fact]
    public void BatchesArePaddedToAMultipleOfPadToMultipleOf()
    {
        // TinyData's texts are 4 to 19 tokens long: padded to their longest, the batches come in many widths.
        List<long> Widths(int padToMultipleOf)
        {
            using var model = new TinyClassifier();
            var args = Args($"multiple-{padToMultipleOf}") with { SaveStrategy = IntervalStrategy.No, PadToMultipleOf = padToMultipleOf };
            new Trainer(model, args, _train).Train();
            return model.TrainingWidths;
        }
        Assert.Equal(8, new TrainingArguments().PadToMultipleOf);
        var exact = Widths(1);
        var rounded = Widths(8);
        Assert.Contains(exact, w => w % 8 != 0);
        Assert.All(rounded, w => Assert.Equal(0, w % 8));
        Assert.Equal(exact.Select(w => (w + 7) / 8 * 8), rounded); // the same batches, only wider
    }

    [Fact]
    public void EveryStepLeavesTheSameNumberOfLiveTensors()
    {
        using var model = new TinyClassifier();
        var live = new List<long>();
        var trainer = new Trainer(model, Args("memory") with { EvalStrategy = IntervalStrategy.Steps, EvalSteps = 4 }, _train, _eval)
        {
            Progress = new Synchronous<TrainerProgress>(p =>
                { if (p.Stage == "train") live.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount); }),
        };
        trainer.Train();
        Assert.Equal(15, live.Count);
        // After the first step (which creates the .grad tensors), logging, evaluating and saving leave nothing behind.
        Assert.True(live.Skip(1).All(c => c == live[1]), string.Join(", ", live));
    }

    sealed class Synchronous<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
