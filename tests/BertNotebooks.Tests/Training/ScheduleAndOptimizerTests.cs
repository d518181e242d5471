using BertNotebooks.Training;
using TorchSharp;

namespace BertNotebooks.Tests.Training;

public sealed class ScheduleAndOptimizerTests
{
    [Fact]
    public void LinearScheduleWarmsUpThenDecaysToZero()
    {
        // 2 warmup steps of 6, base 1e-3: 0/2, 1/2 of it, then (6-s)/(6-2): 4/4, 3/4, 2/4, 1/4.
        var schedule = new LearningRateSchedule(1e-3, 2, 6);
        double[] expected = [0, 5e-4, 1e-3, 7.5e-4, 5e-4, 2.5e-4, 0];
        for (int s = 0; s < expected.Length; s++) Assert.Equal(expected[s], schedule.LearningRateAt(s), 12);
        Assert.Equal(1.0, new LearningRateSchedule(1, 0, 4).Factor(0)); // no warmup: full rate at once
        Assert.Equal(LearningRateSchedule.Linear, new TrainingArguments().LrSchedulerType); // HF's default
    }

    [Fact]
    public void CosineScheduleMatchesHuggingFacesGetCosineScheduleWithWarmup()
    {
        // transformers' _get_cosine_schedule_with_warmup_lr_lambda, num_cycles 0.5, 2 warmup steps of 10:
        // s < 2: s / 2; else 0.5 * (1 + cos(pi * 2 * 0.5 * (s - 2) / 8)), e.g. s = 3: 0.5 * (1 + cos(pi / 8)).
        var schedule = new LearningRateSchedule(1.0, 2, 10, LearningRateSchedule.Cosine);
        double[] expected =
        [
            0, 0.5, 1, 0.9619397662556434, 0.8535533905932737, 0.6913417161825449, 0.5, 0.30865828381745514,
            0.14644660940672627, 0.03806023374435663, 0,
        ];
        for (int s = 0; s < expected.Length; s++) Assert.Equal(expected[s], schedule.Factor(s), 12);
    }

    [Fact]
    public void ConstantSchedulesMatchHuggingFace()
    {
        // get_constant_schedule_with_warmup: s / max(1, warmup) during the warmup, then 1; get_constant_schedule: always 1.
        var withWarmup = new LearningRateSchedule(2e-5, 4, 10, LearningRateSchedule.ConstantWithWarmup);
        double[] expected = [0, 0.25, 0.5, 0.75, 1, 1, 1, 1, 1, 1, 1];
        for (int s = 0; s < expected.Length; s++) Assert.Equal(expected[s] * 2e-5, withWarmup.LearningRateAt(s), 15);
        var constant = new LearningRateSchedule(2e-5, 4, 10, LearningRateSchedule.Constant);
        Assert.All(Enumerable.Range(0, 11), s => Assert.Equal(2e-5, constant.LearningRateAt(s)));
    }

    [Fact]
    public void AnUnknownScheduleNameIsRejectedWithTheKnownOnes()
    {
        var error = Assert.Throws<ArgumentException>(() => new TrainingArguments { LrSchedulerType = "cosine_annealing" }.Validate());
        Assert.Contains("linear, cosine, constant, constant_with_warmup", error.Message);
    }

    [Fact]
    public void WeightDecaySkipsBiasesAndLayerNormWeights()
    {
        using var model = new TinyClassifier();
        var names = ParameterGroups.DecayParameterNames(model);
        Assert.Equal(["classifier.weight", "embeddings.weight"], names.Order());
    }

    [Fact]
    public void AdamWDecaysDecoupledFromTheGradient()
    {
        // One step on a single weight w = 2 with gradient g = 0.5, lr 0.1, weight decay 0.1 (decoupled, as PyTorch's AdamW):
        // w <- w (1 - lr wd) = 2 * 0.99 = 1.98; m_hat = g, v_hat = g^2, so w <- 1.98 - lr * g / (|g| + eps) = 1.98 - 0.1 = 1.88.
        // Adam with L2 (coupled) would instead use g + wd w = 0.7 and give 2 - 0.1 = 1.9.
        using var layer = torch.nn.Linear(1, 1, hasBias: false);
        using (torch.no_grad()) layer.weight!.fill_(2.0);
        var args = new TrainingArguments { LearningRate = 0.1, WeightDecay = 0.1 };
        using var optimizer = ParameterGroups.CreateAdamW(layer, args);
        using var x = torch.ones(1, 1);
        using var loss = layer.call(x).sum() * 0.5;
        loss.backward();
        optimizer.step();
        Assert.Equal(1.88, layer.weight!.item<float>(), 5);
    }
}
