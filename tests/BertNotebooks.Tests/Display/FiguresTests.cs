using System.Text.Json;
using System.Text.RegularExpressions;
using BertNotebooks.Display;
using Plotly.NET;

namespace BertNotebooks.Tests.Display;

public partial class FiguresTests
{
    /// <summary>The traces as plotly.js receives them: the <c>var data = [...]</c> array in the chart's HTML.</summary>
    static JsonElement Traces(GenericChart chart)
    {
        var html = GenericChart.toChartHTML(chart);
        return JsonDocument.Parse(DataArray().Match(html).Groups[1].Value).RootElement;
    }

    static double[] Numbers(JsonElement array) => [.. array.EnumerateArray().Select(v => v.GetDouble())];
    static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(v => v.GetString()!)];

    [GeneratedRegex(@"var data = (\[.*?\]);\s*\n")]
    private static partial Regex DataArray();

    [Fact]
    public void Label_distribution_has_one_bar_per_class()
    {
        var traces = Traces(Figures.LabelDistribution(["alt.atheism", "sci.space"], [480, 593]));

        var bar = Assert.Single(traces.EnumerateArray());
        Assert.Equal("bar", bar.GetProperty("type").GetString());
        Assert.Equal([480, 593], Numbers(bar.GetProperty("x")));
        Assert.Equal(["alt.atheism", "sci.space"], Strings(bar.GetProperty("y")));
    }

    [Fact]
    public void Token_lengths_are_binned_with_a_marker_at_max_length()
    {
        int[] lengths = [10, 11, 12, 30, 31, 200];

        var traces = Traces(Figures.TokenLengths(lengths, maxLength: 128, bins: 10)).EnumerateArray().ToList();

        var counts = Numbers(traces[0].GetProperty("y"));
        Assert.Equal(lengths.Length, counts.Sum());
        Assert.Equal(10, Numbers(traces[0].GetProperty("x"))[0]);
        Assert.Equal([128, 128], Numbers(traces[1].GetProperty("x")));
        Assert.Equal(counts.Max(), Numbers(traces[1].GetProperty("y"))[1]);
        Assert.Contains("16.7% truncated", traces[1].GetProperty("name").GetString());
    }

    [Fact]
    public void Attention_heatmap_puts_row_i_at_token_i_and_tells_repeated_tokens_apart()
    {
        float[] probabilities = [0.5f, 0.25f, 0.25f, 0.1f, 0.8f, 0.1f, 0f, 0f, 1f];

        var heatmap = Assert.Single(Traces(Figures.AttentionHeatmap(probabilities, ["[CLS]", "the", "the"])).EnumerateArray());

        Assert.Equal("heatmap", heatmap.GetProperty("type").GetString());
        Assert.Equal(["[CLS]", "the", "the (2)"], Strings(heatmap.GetProperty("x")));
        var z = heatmap.GetProperty("z").EnumerateArray().Select(Numbers).ToList();
        Assert.Equal([0.1, 0.8, 0.1], z[1].Select(v => Math.Round(v, 6)));
        Assert.Throws<ArgumentException>(() => Figures.AttentionHeatmap(probabilities, ["[CLS]", "the"]));
    }

    [Fact]
    public void Loss_curves_hold_train_and_eval_series()
    {
        var traces = Traces(Figures.LossCurves([1, 2, 3], [2.5, 1.5, 0.75], [3], [0.875])).EnumerateArray().ToList();

        Assert.Equal([1, 2, 3], Numbers(traces[0].GetProperty("x")));
        Assert.Equal([2.5, 1.5, 0.75], Numbers(traces[0].GetProperty("y")));
        Assert.Equal([0.875], Numbers(traces[1].GetProperty("y")));
        Assert.Equal(["train loss", "eval loss"], traces.Select(t => t.GetProperty("name").GetString()));
    }

    [Fact]
    public void Accuracy_curve_holds_the_eval_accuracy()
    {
        var trace = Assert.Single(Traces(Figures.AccuracyCurve([100, 200], [0.625, 0.8125])).EnumerateArray());

        Assert.Equal([100, 200], Numbers(trace.GetProperty("x")));
        Assert.Equal([0.625, 0.8125], Numbers(trace.GetProperty("y")));
    }

    [Fact]
    public void Confusion_matrix_normalised_rows_sum_to_one()
    {
        var matrix = new[,] { { 3, 1 }, { 0, 4 } };

        var raw = Assert.Single(Traces(Figures.ConfusionMatrix(matrix, ["neg", "pos"])).EnumerateArray());
        var shares = Assert.Single(Traces(Figures.ConfusionMatrix(matrix, ["neg", "pos"], normalize: true)).EnumerateArray());

        Assert.Equal("heatmap", raw.GetProperty("type").GetString());
        Assert.Equal(["neg", "pos"], Strings(raw.GetProperty("x")));
        Assert.Equal([3, 1], Numbers(raw.GetProperty("z")[0]));
        Assert.Equal([0.75, 0.25], Numbers(shares.GetProperty("z")[0]));
        Assert.Equal([0, 1], Numbers(shares.GetProperty("z")[1]));
    }

    [Fact]
    public void Confusion_matrix_rejects_a_matrix_that_does_not_match_the_classes()
    {
        var e = Assert.Throws<ArgumentException>(() => Figures.ConfusionMatrix(new int[2, 2], ["a", "b", "c"]));
        Assert.Contains("3x3", e.Message);
    }

    [Fact]
    public void Model_comparison_groups_two_models_by_metric()
    {
        var traces = Traces(Figures.ModelComparison(["accuracy", "macro F1"], "MiniLM", [0.81, 0.79], "BERT-base", [0.86, 0.85]))
            .EnumerateArray().ToList();

        Assert.Equal(["MiniLM", "BERT-base"], traces.Select(t => t.GetProperty("name").GetString()));
        Assert.Equal(["accuracy", "macro F1"], Strings(traces[1].GetProperty("x")));
        Assert.Equal([0.86, 0.85], Numbers(traces[1].GetProperty("y")));
    }

    [Fact]
    public void Mismatched_series_name_the_arguments()
    {
        var e = Assert.Throws<ArgumentException>(() => Figures.LossCurves([1, 2], [1.0], [], []));
        Assert.Contains("trainSteps has 2 items but trainLoss has 1", e.Message);
    }
}
