using BertNotebooks.Checkpoints;
using BertNotebooks.Kernels;
using BertNotebooks.Modeling;
using BertNotebooks.Tests.Modeling;
using BertNotebooks.Tests.TestSupport;
using TorchSharp;
using static TorchSharp.torch;

namespace BertNotebooks.Tests.Kernels;

/// <summary>bf16 mixed precision (<see cref="AutocastLinear"/> in the places of nn.Linear): which dtype each part computes in,
/// and what stays float32.</summary>
public sealed class MixedPrecisionTests
{
    static T Module<T>(BertForSequenceClassification model, string name) where T : nn.Module =>
        (T)model.named_modules().Single(m => m.name == name).module;

    [Fact]
    public void Bf16ForwardComputesLinearLayersAndAttentionInBf16AndTheRestInFloat32()
    {
        using var scope = NewDisposeScope();
        using var model = new BertForSequenceClassification(SmallBert.Config());
        model.eval();
        var batch = SmallBert.Batch();
        using var noGrad = no_grad();
        CpuKernels.Instance.Apply(model, ScalarType.BFloat16);

        var encoded = model.Bert.forward(batch);
        Assert.Equal(ScalarType.Float32, encoded.EmbeddingOutput.dtype);  // embeddings and their LayerNorm
        Assert.Equal(ScalarType.Float32, encoded.LastHiddenState.dtype);  // every block ends in a float32 LayerNorm
        Assert.Equal(ScalarType.BFloat16, encoded.PooledOutput!.dtype);   // dense + tanh

        var hidden = encoded.EmbeddingOutput;                              // (B, T, H)
        var mask = zeros([4, 1, 1, 10]);
        var attended = Module<BertSelfAttention>(model, "bert.encoder.layer.0.attention.self").forward(hidden, mask);
        Assert.Equal(ScalarType.BFloat16, attended.dtype);
        var expanded = Module<BertIntermediate>(model, "bert.encoder.layer.0.intermediate").forward(hidden);
        Assert.Equal(ScalarType.BFloat16, expanded.dtype);
        var output = Module<BertResidualOutput>(model, "bert.encoder.layer.0.output").forward(expanded, hidden);
        Assert.Equal(ScalarType.Float32, output.dtype);                    // the residual sum promotes to float32 for LayerNorm

        var result = model.forward(batch);
        Assert.Equal(ScalarType.Float32, result.Logits.dtype);             // softmax and loss in float32
        Assert.Equal(ScalarType.Float32, result.Loss!.dtype);
    }

    [Fact]
    public void TheKernelsInFloat32ComputeInFloat32AndKeepEveryNameAndParameter()
    {
        using var scope = NewDisposeScope();
        using var model = new BertForSequenceClassification(SmallBert.Config());
        var before = model.named_parameters().ToList();
        CpuKernels.Instance.Apply(model, ScalarType.BFloat16);
        CpuKernels.Instance.Apply(model, computeType: null); // applied again: only the compute type changes
        Assert.Equal(before.Select(p => p.name), model.named_parameters().Select(p => p.name));
        Assert.All(before.Zip(model.named_parameters()), pair => Assert.Same(pair.First.parameter, pair.Second.parameter));
        Assert.Contains(model.named_modules(), m => m.module is AutocastLinear);
        Assert.Contains(model.named_modules(), m => m.module is ParallelDropout);
        Assert.DoesNotContain(model.named_modules(), m => m.module is TorchSharp.Modules.Linear or TorchSharp.Modules.Dropout);
        var encoded = model.Bert.forward(SmallBert.Batch());
        Assert.Equal(ScalarType.Float32, encoded.PooledOutput!.dtype);
    }

    [Fact]
    public void Bf16ForwardIsCloseToFloat32()
    {
        using var scope = NewDisposeScope();
        using var model = new BertForSequenceClassification(SmallBert.Config());
        model.eval();
        using var noGrad = no_grad();
        var batch = SmallBert.Batch();
        var fp32 = model.forward(batch).Logits;
        CpuKernels.Instance.Apply(model, ScalarType.BFloat16);
        var bf16 = model.forward(batch).Logits;
        // A few bf16 roundings (2^-9 each) on values of order 1; HfParityTests justifies the tolerance on a real checkpoint.
        TensorAssert.Close(fp32, bf16, 0.05, "logits");
        Assert.True(TensorAssert.MaxAbsDiff(fp32, bf16) > 0, "bf16 gave float32's logits exactly: the kernels changed nothing");
    }

    [Fact]
    public void TrainingInBf16KeepsFloat32MasterWeightsGradientsAndOptimizerState()
    {
        using var scope = NewDisposeScope();
        using var model = new BertForSequenceClassification(SmallBert.Config());
        model.train();
        using var optimizer = optim.AdamW(model.parameters(), lr: 1e-3);
        var before = model.parameters().Select(p => p.detach().clone()).ToList();

        CpuKernels.Instance.Apply(model, ScalarType.BFloat16);
        model.forward(SmallBert.Batch()).Loss!.backward();
        Assert.All(model.parameters(), p => Assert.Equal(ScalarType.Float32, p.grad!.dtype));
        optimizer.step();

        var after = model.parameters().ToList();
        Assert.All(after, p => Assert.Equal(ScalarType.Float32, p.dtype));
        Assert.Contains(after.Zip(before), pair => !pair.First.equal(pair.Second).all().item<bool>()); // the step did update weights
        var state = optimizer.state_dict().State.OfType<TorchSharp.Modules.AdamW.State>().ToList();
        Assert.NotEmpty(state);
        Assert.All(state, s => Assert.Equal(ScalarType.Float32, s.exp_avg.dtype));
    }

    [Fact]
    public void ACheckpointSavedAfterBf16TrainingIsFloat32AndLoadsExactly()
    {
        using var temp = new TempFolder();
        var folder = Path.Combine(temp.Path, "model");
        using (var scope = NewDisposeScope())
        {
            using var model = new BertForSequenceClassification(SmallBert.Config());
            using var optimizer = optim.AdamW(model.parameters(), lr: 1e-3);
            CpuKernels.Instance.Apply(model, ScalarType.BFloat16);
            model.forward(SmallBert.Batch()).Loss!.backward();
            optimizer.step();
            model.SavePretrained(folder);
        }
        var saved = SafeTensors.Load(Path.Combine(folder, CheckpointFiles.Weights));
        Assert.NotEmpty(saved);
        Assert.All(saved, kv => Assert.True(kv.Value.dtype == ScalarType.Float32, $"{kv.Key} is {kv.Value.dtype}"));
        var (loaded, report) = BertForSequenceClassification.FromPretrained(folder);
        using var _ = loaded;
        Assert.True(report.IsExact, report.ToString());
    }
}
