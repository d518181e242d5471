using BertNotebooks.Kernels;
using BertNotebooks.Modeling;
using BertNotebooks.Tokenization;
using TorchSharp;

namespace BertNotebooks.Tests.Modeling;

/// <summary>
/// The classifier's last layer computes [CLS]'s row alone (<see cref="BertForSequenceClassification.FirstTokenOnlyInLastLayer"/>):
/// the same logits, loss and gradients as every row (HF's way), on a batch with padding.
/// </summary>
public sealed class FirstTokenOnlyTests
{
    [Fact]
    public void A_layer_computes_the_rows_of_its_queries_alone_as_the_full_layer_does()
    {
        torch.manual_seed(11);
        using var layer = new BertLayer(SmallBert.Config());
        layer.eval();
        using var scope = torch.NewDisposeScope();
        var hidden = torch.randn(2, 6, 16);                                       // (B, T, H)
        var keep = torch.tensor(new long[,] { { 1, 1, 1, 1, 1, 1 }, { 1, 1, 1, 0, 0, 0 } });
        var mask = BertModel.AdditiveMask(keep, torch.ScalarType.Float32);        // (B, 1, 1, T)

        var everyRow = layer.forward(hidden, mask);                               // (B, T, H)
        var firstTwo = layer.forward(hidden[.., ..2], hidden, mask);              // (B, 2, H)

        Assert.Equal([2, 2, 16], firstTwo.shape);
        TensorAssert.Close(everyRow[.., ..2], firstTwo, 1e-6, "rows 0-1");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_classifier_gives_the_logits_of_every_row_computed(bool useKernels)
    {
        using var model = NewModel(dropout: 0.1);
        if (useKernels) CpuKernels.Instance.Apply(model, computeType: null);
        model.eval();
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var batch = SmallBert.Batch();

        var firstTokenOnly = model.forward(batch);
        model.FirstTokenOnlyInLastLayer = false;
        var everyRow = model.forward(batch);

        TensorAssert.Close(everyRow.Logits, firstTokenOnly.Logits, 1e-6, "logits");
        TensorAssert.Close(everyRow.Loss!, firstTokenOnly.Loss!, 1e-6, "loss");
    }

    [Fact]
    public void Without_dropout_training_gets_the_gradients_of_every_row_computed()
    {
        using var model = NewModel(dropout: 0);
        model.train();
        var batch = SmallBert.Batch();

        var firstTokenOnly = Gradients(model, batch);
        model.FirstTokenOnlyInLastLayer = false;
        var everyRow = Gradients(model, batch);

        Assert.Equal(everyRow.Keys, firstTokenOnly.Keys);
        // Absolute: some are zero but for rounding (a key's bias shifts a row of scores alike, which softmax ignores).
        foreach (var (name, gradient) in everyRow)
            TensorAssert.Close(gradient, firstTokenOnly[name], 1e-6, name);
    }

    [Fact]
    public void BertModel_returns_the_first_rows_of_the_last_hidden_state_when_asked()
    {
        using var model = NewModel(dropout: 0.1);
        model.eval();
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var batch = SmallBert.Batch();

        var everyRow = model.Bert.forward(batch);
        var firstTokenOnly = model.Bert.forward(batch, firstTokenOnly: true);

        Assert.Equal([4, 10, 16], everyRow.LastHiddenState.shape);
        Assert.Equal([4, 1, 16], firstTokenOnly.LastHiddenState.shape);
        TensorAssert.Close(everyRow.LastHiddenState[.., ..1], firstTokenOnly.LastHiddenState, 1e-6, "[CLS] rows");
        TensorAssert.Close(everyRow.PooledOutput!, firstTokenOnly.PooledOutput!, 1e-6, "pooled");
    }

    static BertForSequenceClassification NewModel(double dropout)
    {
        torch.manual_seed(4);
        var config = SmallBert.Config();
        config.HiddenDropoutProb = dropout;
        config.AttentionProbsDropoutProb = dropout;
        return new BertForSequenceClassification(config);
    }

    /// <summary>Each parameter's gradient after one backward pass of the batch's loss (the gradients are cleared first).</summary>
    static Dictionary<string, torch.Tensor> Gradients(BertForSequenceClassification model, EncodedBatch batch)
    {
        model.zero_grad();
        model.forward(batch).Loss!.backward();
        return model.named_parameters().ToDictionary(p => p.name, p => p.parameter.grad!.clone());
    }
}
