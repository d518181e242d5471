using BertNotebooks.Training;
using TorchSharp;

namespace BertNotebooks.Tests.Training;

public sealed class ScheduleAndOptimizerTests
{
    [Fact]
    public void LinearScheduleWarmsUpThenDecaysToZero()
    {
        // 2 warmup steps of 6, base 1e-3: 0/2, 1/2 of it, then (6-s)/(6-2): 4/4, 3/4, 2/4, 1/4.
        var schedule = new LinearSchedule(1e-3, 2, 6);
        double[] expected = [0, 5e-4, 1e-3, 7.5e-4, 5e-4, 2.5e-4, 0];
        for (int s = 0; s < expected.Length; s++) Assert.Equal(expected[s], schedule.LearningRateAt(s), 12);
        Assert.Equal(1.0, new LinearSchedule(1, 0, 4).Factor(0)); // no warmup: full rate at once
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
