using BertNotebooks.Checkpoints;
using BertNotebooks.Kernels;
using BertNotebooks.Modeling;
using BertNotebooks.Tests.Modeling;
using BertNotebooks.Tests.TestSupport;
using BertNotebooks.Tokenization;
using BertNotebooks.Training;
using TorchSharp;

namespace BertNotebooks.Tests.Training;

/// <summary>
/// The six-step trajectory that transformers + torch recorded for tiny-bert (fixtures README, "The training trajectory"),
/// reproduced through the Trainer's own optimiser groups, schedule and clipping (<see cref="OptimizerStepper"/>), in plain
/// TorchSharp and with the speed kernels in the places of its modules and of <c>optimizer.step()</c> (<see cref="CpuKernels"/>):
/// the kernels change no trajectory beyond the tolerance against transformers.
/// </summary>
public sealed class TrajectoryParityTests
{
    const string Parity = "hf-parity.safetensors";

    [FixtureTheory(Parity)]
    [InlineData(false)]
    [InlineData(true)]
    public void SixStepsOfAdamWWithScheduleAndClippingMatchTransformers(bool withKernels)
    {
        using var scope = torch.NewDisposeScope();
        var reference = SafeTensors.Load(Shared.Fixture(Parity));
        var (model, _) = BertForSequenceClassification.FromPretrained(
            Shared.Fixture("tiny-bert"), configure: c => { c.HiddenDropoutProb = 0; c.AttentionProbsDropoutProb = 0; });
        using var __ = model;
        model.train();
        var args = new TrainingArguments
        {
            LearningRate = 1e-3, AdamBeta1 = 0.9, AdamBeta2 = 0.999, AdamEpsilon = 1e-8, WeightDecay = 0.01, MaxGradNorm = 1.0,
            WarmupSteps = 2,
        };
        var kernels = withKernels ? CpuKernels.Instance : null;
        kernels?.Apply(model, computeType: null);
        Assert.Equal(withKernels, model.modules().Any(m => m is ParallelDropout));
        using var stepper = new OptimizerStepper(model, args, totalSteps: 6, warmupSteps: 2, kernels);

        var losses = new List<float>();
        var lrs = new List<float>();
        var norms = new List<float>();
        for (int s = 0; s < 6; s++)
        {
            long first = (s % 2) * 4; // rows (s % 2) * 4 .. + 3
            torch.Tensor Rows(string key) => reference[key].narrow(0, first, 4);
            var batch = new EncodedBatch(Rows("input_ids"), Rows("attention_mask"), Rows("token_type_ids"), Rows("labels"));
            var outcome = stepper.Step([batch]);
            Assert.True(outcome.IsFinite);
            losses.Add(outcome.Loss.item<float>());
            lrs.Add((float)outcome.LearningRate);
            norms.Add(outcome.GradNorm.item<float>());
        }

        TensorAssert.Close(reference["trajectory.losses"], torch.tensor(losses.ToArray()), 1e-5, "trajectory.losses");
        TensorAssert.Close(reference["trajectory.lrs"], torch.tensor(lrs.ToArray()), 1e-5, "trajectory.lrs");
        TensorAssert.Close(reference["trajectory.grad_norms"], torch.tensor(norms.ToArray()), 1e-5, "trajectory.grad_norms");
        model.eval();
        using (torch.no_grad())
        {
            var logits = model.call(new EncodedBatch(reference["input_ids"], reference["attention_mask"], reference["token_type_ids"]))
                .Logits;
            TensorAssert.Close(reference["trajectory.final_logits"], logits, 1e-4, "trajectory.final_logits");
        }
    }
}
