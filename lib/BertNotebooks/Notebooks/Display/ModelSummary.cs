using BertNotebooks.Modeling;
using Microsoft.Data.Analysis;
using TorchSharp;

namespace BertNotebooks.Display;

/// <summary>Where a model's parameters are: one row per component (embeddings, each encoder layer, pooler, classifier).</summary>
public static class ModelSummary
{
    /// <summary>Parameters grouped by the first components of their state-dict names (three levels for encoder layers).</summary>
    public static DataFrame ParameterCounts(torch.nn.Module model)
    {
        var groups = new List<(string Name, long Count)>();
        foreach (var (name, parameter) in model.named_parameters())
        {
            var parts = name.Split('.');
            int depth = parts.Length > 2 && parts[1] == "encoder" ? 4 : Math.Min(2, parts.Length - 1); // bert.encoder.layer.N
            var group = string.Join('.', parts.Take(depth));
            if (groups.Count > 0 && groups[^1].Name == group) groups[^1] = (group, groups[^1].Count + parameter.numel());
            else groups.Add((group, parameter.numel()));
        }
        long total = groups.Sum(g => g.Count);
        return new DataFrame(
            new StringDataFrameColumn("component", groups.Select(g => g.Name).Append("total")),
            new Int64DataFrameColumn("parameters", groups.Select(g => g.Count).Append(total)),
            new DoubleDataFrameColumn("share_%", groups.Select(g => Math.Round(100.0 * g.Count / total, 2)).Append(100.0)));
    }

    public static long CountParameters(torch.nn.Module model) => model.parameters().Sum(p => p.numel());

    /// <summary>
    /// Models side by side: size, shape, and the median time of an eval-mode forward pass over <paramref name="batch"/>
    /// (after one warm-up pass), on each model's current device.
    /// </summary>
    public static DataFrame Compare(IReadOnlyList<(string Name, BertForSequenceClassification Model)> models,
        Tokenization.EncodedBatch batch, int repeats = 3)
    {
        var milliseconds = models.Select(m => MedianForwardMilliseconds(m.Model, batch, repeats)).ToList();
        return new DataFrame(
            new StringDataFrameColumn("model", models.Select(m => m.Name)),
            new Int64DataFrameColumn("parameters", models.Select(m => CountParameters(m.Model))),
            new Int32DataFrameColumn("layers", models.Select(m => m.Model.Config.NumHiddenLayers)),
            new Int32DataFrameColumn("hidden", models.Select(m => m.Model.Config.HiddenSize)),
            new DoubleDataFrameColumn("forward_ms", milliseconds.Select(ms => Math.Round(ms, 1))));
    }

    static double MedianForwardMilliseconds(BertForSequenceClassification model, Tokenization.EncodedBatch batch, int repeats)
    {
        bool wasTraining = model.training;
        model.eval();
        var device = model.parameters().First().device;
        var times = new List<double>();
        using (torch.no_grad())
        {
            for (int i = 0; i <= repeats; i++)
            {
                using var scope = torch.NewDisposeScope();
                var input = batch.To(device);
                var clock = System.Diagnostics.Stopwatch.StartNew();
                using var logits = model.call(input).Logits.cpu(); // .cpu() waits for the device
                if (i > 0) times.Add(clock.Elapsed.TotalMilliseconds);
            }
        }
        if (wasTraining) model.train();
        return times.Order().ElementAt(times.Count / 2);
    }
}
