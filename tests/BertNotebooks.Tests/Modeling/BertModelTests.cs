using BertNotebooks.Modeling;
using TorchSharp;

namespace BertNotebooks.Tests.Modeling;

public sealed class BertModelTests
{
    [Fact]
    public void StateDictKeysAreTheHuggingFaceNames()
    {
        using var model = new BertForSequenceClassification(SmallBert.Config());
        var keys = model.state_dict().Keys.ToHashSet();
        var expected = new List<string>
        {
            "bert.embeddings.word_embeddings.weight", "bert.embeddings.position_embeddings.weight",
            "bert.embeddings.token_type_embeddings.weight",
            "bert.embeddings.LayerNorm.weight", "bert.embeddings.LayerNorm.bias",
            "bert.pooler.dense.weight", "bert.pooler.dense.bias", "classifier.weight", "classifier.bias",
        };
        foreach (var layer in new[] { 0, 1 })
            foreach (var part in new[] { "attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
                                     "attention.output.LayerNorm", "intermediate.dense", "output.dense", "output.LayerNorm" })
                expected.AddRange([$"bert.encoder.layer.{layer}.{part}.weight", $"bert.encoder.layer.{layer}.{part}.bias"]);
        Assert.Equal(expected.Order(), keys.Order());
    }

    [Fact]
    public void BertModelWithoutPoolerHasNoPoolerTensorsOrOutput()
    {
        using var model = new BertModel(SmallBert.Config(), addPoolingLayer: false);
        Assert.DoesNotContain(model.state_dict().Keys, k => k.StartsWith("pooler.", StringComparison.Ordinal));
        using var scope = torch.NewDisposeScope();
        var output = model.forward(SmallBert.Batch());
        Assert.Null(output.PooledOutput);
        Assert.Equal([4L, 10, 16], output.LastHiddenState.shape);
    }

    [Fact]
    public void InitialisationFollowsHuggingFace()
    {
        torch.manual_seed(1);
        var config = SmallBert.Config();
        config.VocabSize = 2000;
        config.InitializerRange = 0.05;
        using var model = new BertForSequenceClassification(config);
        var p = model.state_dict();
        using var scope = torch.NewDisposeScope();

        var words = p["bert.embeddings.word_embeddings.weight"];
        Assert.Equal(0.0, words[0].abs().max().item<float>()); // pad_token_id 0
        Assert.InRange(words[1..].std().item<float>(), 0.048, 0.052);
        Assert.InRange(p["bert.encoder.layer.0.intermediate.dense.weight"].std().item<float>(), 0.04, 0.06);
        Assert.Equal(0.0, p["bert.encoder.layer.1.attention.self.query.bias"].abs().max().item<float>());
        Assert.Equal(0.0, p["classifier.bias"].abs().max().item<float>());
        Assert.True(p["bert.embeddings.LayerNorm.weight"].eq(1).all().item<bool>());
        Assert.Equal(0.0, p["bert.encoder.layer.0.output.LayerNorm.bias"].abs().max().item<float>());
    }

    [Fact]
    public void FusedAttentionEqualsTheEagerFormulaWithPadding()
    {
        torch.manual_seed(3);
        var config = SmallBert.Config();
        using var attention = new BertSelfAttention(config);
        attention.eval();
        using var scope = torch.NewDisposeScope();
        var hidden = torch.randn(2, 6, 16);                                       // (B, T, H)
        var keep = torch.tensor(new float[,] { { 1, 1, 1, 1, 1, 1 }, { 1, 1, 1, 0, 0, 0 } });
        var mask = ((1 - keep) * float.MinValue).view(2, 1, 1, 6);                // (B, 1, 1, T)
        var w = attention.state_dict();
        torch.Tensor Heads(string name) =>
            torch.nn.functional.linear(hidden, w[$"{name}.weight"], w[$"{name}.bias"]).view(2, 6, 4, 4).transpose(1, 2); // (B, nh, T, hs)
        var scores = Heads("query").matmul(Heads("key").transpose(-1, -2)) / Math.Sqrt(4) + mask; // (B, nh, T, T)
        var eager = scores.softmax(-1).matmul(Heads("value")).transpose(1, 2).reshape(2, 6, 16);

        TensorAssert.Close(eager, attention.forward(hidden, mask), 1e-6, "attention");
    }

    [Fact]
    public void DropoutActsOnlyInTrainingMode()
    {
        torch.manual_seed(5);
        var config = SmallBert.Config();
        config.HiddenDropoutProb = 0.3;
        config.AttentionProbsDropoutProb = 0.3;
        using var model = new BertForSequenceClassification(config);
        using var scope = torch.NewDisposeScope();
        var batch = SmallBert.Batch();
        model.eval();
        TensorAssert.Equal(model.forward(batch).Logits, model.forward(batch).Logits, "eval logits");
        model.train();
        Assert.True(TensorAssert.MaxAbsDiff(model.forward(batch).Logits, model.forward(batch).Logits) > 1e-4,
            "train-mode forwards should differ");
    }

    [Fact]
    public void LossIsMeanCrossEntropyOrMseForOneLabel()
    {
        torch.manual_seed(9);
        using var scope = torch.NewDisposeScope();
        using var classifier = new BertForSequenceClassification(SmallBert.Config());
        var batch = SmallBert.Batch();
        var output = classifier.forward(batch);
        TensorAssert.Close(torch.nn.functional.cross_entropy(output.Logits, batch.Labels!), output.Loss!, 1e-7, "cross-entropy");

        using var regressor = new BertForSequenceClassification(SmallBert.Config(labels: 1));
        var regression = regressor.forward(batch);
        Assert.Equal([4L, 1], regression.Logits.shape);
        var mse = (regression.Logits.squeeze() - batch.Labels!.to(torch.float32)).pow(2).mean();
        TensorAssert.Close(mse, regression.Loss!, 1e-6, "mse");
        Assert.Null(classifier.forward(batch with { Labels = null }).Loss);
    }

    [Fact]
    public void SequencesLongerThanThePositionTableAreRefused()
    {
        using var model = new BertForSequenceClassification(SmallBert.Config());
        using var scope = torch.NewDisposeScope();
        var ids = torch.ones([1, 30], dtype: torch.int64);
        var e = Assert.Throws<ArgumentException>(() => model.forward(new(ids, ids, torch.zeros_like(ids))));
        Assert.Contains("max_position_embeddings 24", e.Message);
    }

    [Fact]
    public void TrainingStepsInADisposeScopeLeaveNoTensorsBehind()
    {
        torch.manual_seed(13);
        using var model = new BertForSequenceClassification(SmallBert.Config());
        model.train();
        using var batch = SmallBert.Batch();
        long Step()
        {
            using (var scope = torch.NewDisposeScope())
            {
                model.zero_grad();
                model.forward(batch).Loss!.backward();
            }
            return DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        }
        var afterWarmUp = Step(); // the first backward allocates the parameters' .grad
        Assert.Equal(afterWarmUp, Step());
        Assert.Equal(afterWarmUp, Step());
    }

    [Fact]
    public void AttentionWrittenOutForDropoutMatchesTheFusedKernel()
    {
        // Training on the CPU with attention dropout takes the written-out attention; with a dropout probability too small to
        // drop anything, it must give what scaled_dot_product_attention gives in eval mode.
        var config = SmallBert.Config();
        config.AttentionProbsDropoutProb = 1e-12;
        config.HiddenDropoutProb = 0;
        using var model = new BertForSequenceClassification(config);
        using var scope = torch.NewDisposeScope();
        var batch = SmallBert.Batch();
        model.eval();
        var fused = model.forward(batch).Logits;
        model.train();
        var written = model.forward(batch).Logits;
        TensorAssert.Close(fused, written, 1e-5, "logits");
    }
}
