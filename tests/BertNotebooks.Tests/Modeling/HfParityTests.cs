using BertNotebooks.Checkpoints;
using BertNotebooks.Kernels;
using BertNotebooks.Modeling;
using BertNotebooks.Tests.TestSupport;
using BertNotebooks.Tokenization;
using TorchSharp;

namespace BertNotebooks.Tests.Modeling;

/// <summary>tiny-bert against the outputs and gradients transformers computed for the same batch (hf-parity.safetensors).</summary>
public sealed class HfParityTests
{
    const string Parity = "hf-parity.safetensors";
    const string TinyBert = "tiny-bert";

    static EncodedBatch Batch(Dictionary<string, torch.Tensor> reference) =>
        new(reference["input_ids"], reference["attention_mask"], reference["token_type_ids"], reference["labels"]);

    [FixtureFact(Parity)]
    public void TinyBertLoadsStrictlyAndExactly()
    {
        var (model, report) = BertForSequenceClassification.FromPretrained(Shared.Fixture(TinyBert));
        using var _ = model;
        Assert.True(report.IsExact, report.ToString());
        Assert.Equal(41, model.state_dict().Count);
        Assert.Equal(20, model.Config.NumLabels);
    }

    [FixtureFact(Parity)]
    public void EvalForwardMatchesTransformers() => AssertEvalForwardMatches(computeType: null, 1e-5, 1e-5);

    /// <summary>tiny-bert in eval mode on the parity batch (its linear layers computing in <paramref name="computeType"/>;
    /// null: float32): the embeddings, hidden states, pooled vector, logits and loss against transformers' float32.</summary>
    static void AssertEvalForwardMatches(torch.ScalarType? computeType, double activationTolerance, double lossTolerance)
    {
        using var scope = torch.NewDisposeScope();
        var reference = SafeTensors.Load(Shared.Fixture(Parity));
        var (model, _) = BertForSequenceClassification.FromPretrained(Shared.Fixture(TinyBert));
        using var __ = model;
        model.eval();
        using var noGrad = torch.no_grad();
        if (computeType is not null) CpuKernels.Instance.Apply(model, computeType);
        var batch = Batch(reference);

        var encoded = model.Bert.forward(batch);
        TensorAssert.Close(reference["eval.embeddings_output"], encoded.EmbeddingOutput, activationTolerance, "embeddings_output");
        TensorAssert.Close(reference["eval.last_hidden_state"], encoded.LastHiddenState, activationTolerance, "last_hidden_state");
        TensorAssert.Close(reference["eval.pooled"], encoded.PooledOutput!, activationTolerance, "pooled");

        var output = model.forward(batch);
        TensorAssert.Close(reference["eval.logits"], output.Logits, activationTolerance, "logits");
        TensorAssert.Close(reference["eval.loss"].reshape(-1), output.Loss!.reshape(-1), lossTolerance, "loss");
    }

    [FixtureFact(Parity)]
    public void TrainModeLossAndGradientsMatchTransformersWithoutDropout()
    {
        using var scope = torch.NewDisposeScope();
        var reference = SafeTensors.Load(Shared.Fixture(Parity));
        var (model, _) = BertForSequenceClassification.FromPretrained(
            Shared.Fixture(TinyBert), configure: c => { c.HiddenDropoutProb = 0; c.AttentionProbsDropoutProb = 0; });
        using var __ = model;
        model.train();

        var loss = model.forward(Batch(reference)).Loss!;
        TensorAssert.Close(reference["train.loss0"].reshape(-1), loss.reshape(-1), 1e-5, "train.loss0");
        loss.backward();

        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var gradients = reference.Keys.Where(k => k.StartsWith("grad.", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(gradients);
        foreach (var key in gradients)
        {
            var name = key["grad.".Length..];
            TensorAssert.CloseRelativeToNorm(reference[key], parameters[name].grad!, 1e-5, key);
        }
    }
    // bfloat16 keeps 8 significant bits: each cast rounds by up to 2^-9 (0.2%) of the value. Rounding the inputs and weights
    // of every matmul adds up, over tiny-bert's two layers, to about 1% of the activations, whose scale LayerNorm keeps near
    // 1: measured, the hidden states differ from transformers' float32 by 0.027 at most, pooled 0.021, logits 0.015, the loss
    // 0.0022, the gradients 0.0029 of their norm (float32 agrees to 1e-5). The tolerances sit about 3x above those, and far
    // below what a wrong computation gives (order 1: a missing mask, a dropped bias, a transposed weight).
    const double Bf16ActivationTolerance = 0.08, Bf16LossTolerance = 0.01, Bf16GradientTolerance = 0.01;

    [FixtureFact(Parity)]
    public void Bf16EvalForwardMatchesTransformersWithinBf16Rounding() =>
        AssertEvalForwardMatches(torch.ScalarType.BFloat16, Bf16ActivationTolerance, Bf16LossTolerance);

    [FixtureFact(Parity)]
    public void Bf16GradientsMatchTransformersWithinBf16Rounding()
    {
        using var scope = torch.NewDisposeScope();
        var reference = SafeTensors.Load(Shared.Fixture(Parity));
        var (model, _) = BertForSequenceClassification.FromPretrained(
            Shared.Fixture(TinyBert), configure: c => { c.HiddenDropoutProb = 0; c.AttentionProbsDropoutProb = 0; });
        using var __ = model;
        model.train();

        CpuKernels.Instance.Apply(model, torch.ScalarType.BFloat16);
        var loss = model.forward(Batch(reference)).Loss!;
        TensorAssert.Close(reference["train.loss0"].reshape(-1), loss.reshape(-1), Bf16LossTolerance, "train.loss0");
        loss.backward();

        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var key in reference.Keys.Where(k => k.StartsWith("grad.", StringComparison.Ordinal)))
        {
            var gradient = parameters[key["grad.".Length..]].grad!;
            Assert.Equal(torch.ScalarType.Float32, gradient.dtype); // the master weights' gradients stay float32
            // Relative to the gradient's norm: gradients of different parameters differ by orders of magnitude.
            TensorAssert.CloseRelativeToNorm(reference[key], gradient, Bf16GradientTolerance, key);
        }
    }
}
