using BertNotebooks.Cli.Benchmarks;
using BertNotebooks.Kernels;
using BertNotebooks.Modeling;
using TorchSharp;

namespace BertNotebooks.Tests.Cli;

/// <summary>bench-step's figures: the step's matmuls timed alone are exactly the FLOPs the step is credited with.</summary>
public sealed class TrainingStepBenchmarkTests
{
    static readonly BertConfig Tiny = new()
    {
        VocabSize = 100, HiddenSize = 32, NumHiddenLayers = 2, NumAttentionHeads = 4, IntermediateSize = 64, NumLabels = 3,
    };

    public static TheoryData<string, int, int, bool> Shapes => new()
    {
        { "minilm", 8, 128, true }, { "bert-base", 8, 512, true }, { "minilm", 3, 17, true },
        { "minilm", 8, 128, false }, { "bert-base", 8, 512, false },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void The_steps_matmuls_add_up_to_three_forward_passes_of_matmul_flops(string preset, int batch, int sequence,
        bool firstTokenOnly)
    {
        var config = TrainingStepBenchmark.Shape(preset);

        var matmuls = new StepMatmuls(config, batch, sequence, firstTokenOnly);

        Assert.Equal(3 * TrainingStepBenchmark.ForwardFlops(config, batch, sequence, firstTokenOnly), matmuls.Flops,
            1e-9 * matmuls.Flops);
    }

    [Fact]
    public void Computing_cls_alone_in_the_last_layer_saves_that_layers_work_for_the_other_tokens_but_their_keys_and_values()
    {
        var c = TrainingStepBenchmark.MiniLMShape();
        const int batch = 8, sequence = 128;
        double otherTokens = batch * (sequence - 1.0), h = c.HiddenSize, f = c.IntermediateSize;
        // Per token, the query and output projections (2 x 2H²), the feed-forward block (2 x 2HF), and its row of
        // attention scores and of the weighted values (2 x 2TH): multiply-adds counted twice.
        double saved = otherTokens * (4 * h * h + 4 * h * f + 4 * sequence * h);

        var everyRow = TrainingStepBenchmark.ForwardFlops(c, batch, sequence, firstTokenOnly: false);
        var firstTokenOnly = TrainingStepBenchmark.ForwardFlops(c, batch, sequence, firstTokenOnly: true);

        Assert.Equal(saved, everyRow - firstTokenOnly, 1e-9 * saved);
        Assert.InRange(1 - firstTokenOnly / everyRow, 0.13, 0.15); // a seventh of a 6-layer model's matmuls
    }

    [Fact]
    public void Both_last_layers_are_timed_in_turn_each_credited_with_its_own_flops()
    {
        var results = TrainingStepBenchmark.Run(Tiny, batch: 2, sequence: 8, steps: 2, warmupSteps: 1, torch.CPU,
            [new TrainingStepBenchmark.Variant(null, FirstTokenOnly: true), new TrainingStepBenchmark.Variant(null, FirstTokenOnly: false)]);

        Assert.Equal([true, false], results.Select(r => r.FirstTokenOnly));
        Assert.Equal(3 * TrainingStepBenchmark.ForwardFlops(Tiny, 2, 8, firstTokenOnly: true), results[0].StepFlops);
        Assert.Equal(3 * TrainingStepBenchmark.ForwardFlops(Tiny, 2, 8, firstTokenOnly: false), results[1].StepFlops);
        Assert.Contains("the last layer for every token", results[1].ToString());
    }

    [Fact]
    public void A_float32_step_is_reported_with_its_matmuls_alone_and_the_rest()
    {
        var result = Assert.Single(TrainingStepBenchmark.Run(Tiny, batch: 2, sequence: 8, steps: 3, warmupSteps: 1,
            torch.CPU, [new TrainingStepBenchmark.Variant(ComputeType: null)]));

        Assert.True(result.StepMatmulsSeconds > 0);
        Assert.True(result.MatmulGflops > 0);
        var report = result.ToString();
        Assert.Contains("the step's matmuls alone, at its shapes:", report);
        Assert.Contains("everything else (softmax, dropout, LayerNorm, GELU, embedding gradient, clipping, AdamW", report);
    }

    [Fact]
    public void A_part_switched_off_to_time_its_cost_is_off_and_the_report_says_so()
    {
        using var model = new BertForSequenceClassification(Tiny);
        model.train();
        CpuKernels.Instance.Apply(model, computeType: null);

        TrainingStepBenchmark.StepPart.SwitchOff(model, TrainingStepBenchmark.StepPart.Dropout);
        TrainingStepBenchmark.StepPart.SwitchOff(model, TrainingStepBenchmark.StepPart.EmbeddingGradient);

        Assert.NotEmpty(model.modules().OfType<ParallelDropout>());
        Assert.All(model.modules().OfType<ParallelDropout>(), dropout => Assert.False(dropout.training));
        Assert.Equal(["bert.embeddings.word_embeddings.weight"],
            model.named_parameters().Where(p => !p.parameter.requires_grad).Select(p => p.name));
        Assert.Contains("--without", Assert.Throws<ArgumentException>(() => TrainingStepBenchmark.StepPart.SwitchOff(model, "softmax")).Message);
        var result = Assert.Single(TrainingStepBenchmark.Run(Tiny, batch: 2, sequence: 8, steps: 1, warmupSteps: 0, torch.CPU,
            [new TrainingStepBenchmark.Variant(null, Without: TrainingStepBenchmark.StepPart.Dropout)]));
        Assert.Contains("; without dropout): ", result.ToString());
    }
}
