using BertNotebooks.Cli.Benchmarks;
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

    public static TheoryData<string, int, int> Shapes => new() { { "minilm", 8, 128 }, { "bert-base", 8, 512 }, { "minilm", 3, 17 } };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void The_steps_matmuls_add_up_to_three_forward_passes_of_matmul_flops(string preset, int batch, int sequence)
    {
        var config = TrainingStepBenchmark.Shape(preset);

        var matmuls = new StepMatmuls(config, batch, sequence);

        Assert.Equal(3 * TrainingStepBenchmark.ForwardFlops(config, batch, sequence), matmuls.Flops, 1e-9 * matmuls.Flops);
    }

    [Fact]
    public void A_float32_step_is_reported_with_its_matmuls_alone_and_the_rest()
    {
        var result = Assert.Single(TrainingStepBenchmark.Run(Tiny, batch: 2, sequence: 8, steps: 3, warmupSteps: 1,
            torch.CPU, [null]));

        Assert.True(result.StepMatmulsSeconds > 0);
        Assert.True(result.MatmulGflops > 0);
        var report = result.ToString();
        Assert.Contains("the step's matmuls alone, at its shapes:", report);
        Assert.Contains("everything else (softmax, dropout, LayerNorm, GELU, embedding gradient, clipping, AdamW", report);
    }
}
