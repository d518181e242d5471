using BertNotebooks.Tokenization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace BertNotebooks.Modeling;

/// <summary>
/// BERT with a linear classifier on the pooled [CLS] vector (HF BertForSequenceClassification). With labels, the loss
/// is HF's: mean cross-entropy for single-label classification, MSE when num_labels is 1 (regression), and
/// binary cross-entropy with logits for multi-label problems.
/// </summary>
public sealed partial class BertForSequenceClassification : nn.Module<EncodedBatch, SequenceClassifierOutput>, ISavePretrained
{
    readonly BertModel bert;
    readonly nn.Module<Tensor, Tensor> dropout;    // nn.Dropout
    readonly nn.Module<Tensor, Tensor> classifier; // nn.Linear

    public BertConfig Config { get; }

    public IReadOnlyList<string> ClassNames => Config.ClassNames;

    public BertForSequenceClassification(BertConfig config) : base(nameof(BertForSequenceClassification))
    {
        Config = config;
        bert = new BertModel(config); // validates the config
        dropout = nn.Dropout(config.EffectiveClassifierDropout);
        classifier = nn.Linear(config.HiddenSize, config.NumLabels);
        RegisterComponents();
        BertInit.Initialise(classifier, config);
    }

    /// <summary>
    /// Whether the last encoder layer computes [CLS]'s row alone (true, the default): the logits depend on nothing else,
    /// so the other rows of the last layer would be computed and thrown away. [CLS] still attends to every token; the
    /// logits are those of the full pass (HF's) to float32 rounding, for about a seventh less work with 6 layers. False
    /// computes every row, as HF does; in training the last layer's dropout then draws other masks.
    /// </summary>
    public bool FirstTokenOnlyInLastLayer { get; set; } = true;

    /// <summary>The encoder, for callers that want hidden states as well as logits.</summary>
    public BertModel Bert => bert;
    public nn.Module<Tensor, Tensor> Dropout => dropout;
    public nn.Module<Tensor, Tensor> Classifier => classifier;

    public override SequenceClassifierOutput forward(EncodedBatch batch)
    {
        using var scope = NewDisposeScope();
        var encoded = bert.forward(batch, FirstTokenOnlyInLastLayer); // the pooler reads [CLS] alone
        // float32 for the loss and for callers, whatever dtype the layer computed in (bf16 under mixed precision)
        var logits = classifier.forward(dropout.forward(encoded.PooledOutput!)).to(ScalarType.Float32); // (B, C)
        var loss = batch.Labels is null ? null : Loss(logits, batch.Labels);     // ()
        scope.MoveToOuter(logits);
        if (loss is not null) scope.MoveToOuter(loss);
        return new SequenceClassifierOutput(logits, loss);
    }

    Tensor Loss(Tensor logits, Tensor labels)
    {
        var problem = Config.ProblemType ?? (Config.NumLabels == 1 ? "regression" : "single_label_classification");
        return problem switch
        {
            "regression" => Config.NumLabels == 1
                ? nn.functional.mse_loss(logits.squeeze(), labels.squeeze().to(logits.dtype))
                : nn.functional.mse_loss(logits, labels.to(logits.dtype)),
            "single_label_classification" => nn.functional.cross_entropy(logits.view(-1, Config.NumLabels), labels.view(-1)),
            "multi_label_classification" => nn.functional.binary_cross_entropy_with_logits(logits, labels.to(logits.dtype)),
            _ => throw new NotSupportedException(
                $"problem_type '{problem}' is not supported; use regression, single_label_classification or multi_label_classification."),
        };
    }
}
