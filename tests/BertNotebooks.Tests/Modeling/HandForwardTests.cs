using BertNotebooks.Modeling;
using BertNotebooks.Tokenization;
using BertNotebooks.Training;
using static TorchSharp.torch;

namespace BertNotebooks.Tests.Modeling;

/// <summary>
/// 03-model walks the forward pass by hand through the modules' read-only accessors; these are the same steps, and
/// they must give the model's own logits (and a sane attention picture).
/// </summary>
public sealed class HandForwardTests
{
    static (BertForSequenceClassification Model, EncodedBatch Batch) TinyBertAndBatch()
    {
        var (model, _) = BertForSequenceClassification.FromPretrained(Shared.Fixture("tiny-bert"));
        model.eval();
        // Two texts, the second padded after 5 tokens, the first using segment B for its last 3.
        var ids = tensor(new long[,] { { 101, 7592, 2088, 2003, 1037, 3231, 102, 2023, 2003, 102 },
            { 101, 2307, 2154, 999, 102, 0, 0, 0, 0, 0 } });
        var mask = tensor(new long[,] { { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 }, { 1, 1, 1, 1, 1, 0, 0, 0, 0, 0 } });
        var types = tensor(new long[,] { { 0, 0, 0, 0, 0, 0, 0, 1, 1, 1 }, { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 } });
        return (model, new EncodedBatch(ids, mask, types));
    }

    [FixtureFact("tiny-bert")]
    public void The_forward_pass_by_hand_gives_the_models_logits()
    {
        var (model, batch) = TinyBertAndBatch();
        using var noGrad = no_grad();

        var embedded = model.Bert.Embeddings.call(batch.InputIds, batch.TokenTypeIds);           // (B, T, H)
        var mask = BertModel.AdditiveMask(batch.AttentionMask, embedded.dtype);                  // (B, 1, 1, T)
        var hidden = embedded;
        foreach (var layer in model.Bert.Encoder.Layers) hidden = layer.call(hidden, mask);      // (B, T, H)
        var pooled = model.Bert.Pooler!.Dense.call(hidden[.., 0]).tanh();                         // (B, H)
        var logits = model.Classifier.call(model.Dropout.call(pooled));                          // (B, C)

        var expected = model.call(batch).Logits;
        Assert.Equal(expected.shape, logits.shape);
        Assert.True((logits - expected).abs().max().item<float>() <= 1e-6f);
    }

    [FixtureFact("tiny-bert")]
    public void Attention_probabilities_sum_to_one_and_give_padding_nothing()
    {
        var (model, batch) = TinyBertAndBatch();
        using var noGrad = no_grad();
        var embedded = model.Bert.Embeddings.call(batch.InputIds, batch.TokenTypeIds);
        var mask = BertModel.AdditiveMask(batch.AttentionMask, embedded.dtype);

        var probabilities = model.Bert.Encoder.Layers[0].Attention.Self.AttentionProbabilities(embedded, mask); // (B, nh, T, T)

        Assert.Equal([2L, 4, 10, 10], probabilities.shape);
        Assert.True((probabilities.sum(-1) - 1).abs().max().item<float>() < 1e-5f);
        Assert.Equal(0f, probabilities[1, .., .., 5..].abs().max().item<float>()); // the second text's padding keys
        Assert.True(probabilities[0, .., .., 5..].min().item<float>() > 0f);         // the first text has no padding
    }
}

/// <summary>04-training's step by hand (loss, backward, clip, AdamW with the scheduled rate) is the Trainer's step.</summary>
public sealed class HandTrainingStepTests
{
    [FixtureFact("tiny-bert")]
    public void One_step_by_hand_gives_the_weights_of_the_trainers_step()
    {
        BertForSequenceClassification TinyBert()
        {
            var (model, _) = BertForSequenceClassification.FromPretrained(Shared.Fixture("tiny-bert"),
                configure: c => { c.HiddenDropoutProb = 0; c.AttentionProbsDropoutProb = 0; });
            model.train();
            return model;
        }
        var batch = new EncodedBatch(
            tensor(new long[,] { { 101, 7592, 2088, 2003, 102 }, { 101, 2307, 2154, 102, 0 } }),
            tensor(new long[,] { { 1, 1, 1, 1, 1 }, { 1, 1, 1, 1, 0 } }),
            zeros(2, 5, dtype: ScalarType.Int64),
            tensor(new long[] { 3, 17 }));
        var args = new TrainingArguments { LearningRate = 1e-3, WeightDecay = 0.01, MaxGradNorm = 1.0 };
        var (byHand, byTrainer) = (TinyBert(), TinyBert());

        var loss = byHand.call(batch).Loss!;
        loss.backward();
        nn.utils.clip_grad_norm_(byHand.parameters(), args.MaxGradNorm);
        var optimizer = ParameterGroups.CreateAdamW(byHand, args);
        var schedule = new LearningRateSchedule(args.LearningRate, WarmupSteps: 0, TotalSteps: 6);
        foreach (var group in optimizer.ParamGroups) group.LearningRate = schedule.LearningRateAt(0);
        optimizer.step();

        using var stepper = new OptimizerStepper(byTrainer, args, totalSteps: 6, warmupSteps: 0);
        stepper.Step([batch]);

        var trained = byTrainer.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, parameter) in byHand.named_parameters())
            Assert.True((parameter - trained[name]).abs().max().item<float>() <= 1e-6f, $"{name} differs");
        Assert.True((byHand.named_parameters().First().parameter - TinyBert().named_parameters().First().parameter)
            .abs().max().item<float>() > 0,
            "the step changed nothing, so the comparison proves nothing");
    }
}
