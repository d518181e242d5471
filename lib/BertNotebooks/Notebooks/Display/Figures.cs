using System.Globalization;
using Plotly.NET;
using Plotly.NET.CSharp;
using Chart = Plotly.NET.CSharp.Chart;

namespace BertNotebooks.Display;

/// <summary>
/// The figures the notebooks draw, from plain arrays so that any stage can use them. Each returns a Plotly.NET chart:
/// a notebook displays it as the cell's value; <c>GenericChart.toChartHTML</c> gives the HTML elsewhere.
/// </summary>
public static class Figures
{
    /// <summary>How many examples each class has: one horizontal bar per class, so that long newsgroup names stay readable.</summary>
    public static GenericChart LabelDistribution(IReadOnlyList<string> classNames, IReadOnlyList<int> counts,
        string title = "Examples per class")
    {
        SameLength(classNames, nameof(classNames), counts, nameof(counts));
        var chart = Chart.Bar<int, string, string>(counts, Keys: classNames.ToArray(), Name: "examples");
        return Styled(chart, title, "examples", "class", height: Math.Max(300, 22 * classNames.Count));
    }

    /// <summary>
    /// Token counts per text, with a marker at <paramref name="maxLength"/>: what lies right of it is cut off. The share
    /// truncated is in the marker's name, since that is what choosing MaxLength trades against speed.
    /// </summary>
    public static GenericChart TokenLengths(IReadOnlyList<int> lengths, int maxLength, int bins = 50, string title = "Tokens per text")
    {
        if (lengths.Count == 0) throw new ArgumentException("No lengths to plot: tokenize some texts first.", nameof(lengths));
        if (bins < 1) throw new ArgumentOutOfRangeException(nameof(bins), bins, "Use at least one bin.");
        var (starts, counts) = Histogram(lengths, bins);
        var truncated = lengths.Count(l => l > maxLength) / (double)lengths.Count;
        var bars = Chart.Column<int, int, string>(counts, Keys: starts, Name: "texts");
        var marker = Chart.Line<int, int, string>(
            [maxLength, maxLength], [0, counts.Max()],
            Name: string.Create(CultureInfo.InvariantCulture, $"MaxLength = {maxLength} ({100 * truncated:0.0}% truncated)"),
            LineDash: StyleParam.DrawingStyle.Dash);
        return Styled(Chart.Combine([bars, marker]), title, "tokens (bin start)", "texts");
    }

    /// <summary>Training loss per logged step and evaluation loss per evaluation step, on one set of axes.</summary>
    public static GenericChart LossCurves(
        IReadOnlyList<int> trainSteps, IReadOnlyList<double> trainLoss, IReadOnlyList<int> evalSteps, IReadOnlyList<double> evalLoss,
        string title = "Loss")
    {
        SameLength(trainSteps, nameof(trainSteps), trainLoss, nameof(trainLoss));
        SameLength(evalSteps, nameof(evalSteps), evalLoss, nameof(evalLoss));
        var train = Chart.Line<int, double, string>(trainSteps, trainLoss, Name: "train loss");
        var eval = Chart.Line<int, double, string>(evalSteps, evalLoss, Name: "eval loss", ShowMarkers: true);
        return Styled(Chart.Combine([train, eval]), title, "step", "loss");
    }

    /// <summary>The learning rate at each step: the schedule before training, or the logged rates after.</summary>
    public static GenericChart LearningRate(IReadOnlyList<int> steps, IReadOnlyList<double> rates, string title = "Learning rate")
    {
        SameLength(steps, nameof(steps), rates, nameof(rates));
        return Styled(Chart.Line<int, double, string>(steps, rates, Name: "learning rate"), title, "step", "learning rate");
    }

    /// <summary>Evaluation accuracy per evaluation step, on a 0–1 axis so that runs compare by eye.</summary>
    public static GenericChart AccuracyCurve(IReadOnlyList<int> evalSteps, IReadOnlyList<double> accuracy, string title = "Eval accuracy")
    {
        SameLength(evalSteps, nameof(evalSteps), accuracy, nameof(accuracy));
        var chart = Chart.Line<int, double, string>(evalSteps, accuracy, Name: "eval accuracy", ShowMarkers: true);
        return Styled(chart, title, "step", "accuracy")
            .WithYAxisStyle<double, double, string>(MinMax: Tuple.Create(0.0, 1.0));
    }

    /// <summary>
    /// Rows are true classes, columns predicted (sklearn's layout). <paramref name="normalize"/> divides each row by its
    /// total, so a cell is the share of that class predicted as the column: per-class recall on the diagonal.
    /// </summary>
    public static GenericChart ConfusionMatrix(int[,] matrix, IReadOnlyList<string> classNames, bool normalize = false,
        string title = "Confusion matrix")
    {
        var n = classNames.Count;
        if (matrix.GetLength(0) != n || matrix.GetLength(1) != n)
            throw new ArgumentException($"The matrix is {matrix.GetLength(0)}x{matrix.GetLength(1)} but there are {n} class names; " +
                $"it must be {n}x{n}.", nameof(matrix));
        var z = Enumerable.Range(0, n).Select(row =>
        {
            var total = Enumerable.Range(0, n).Sum(col => matrix[row, col]);
            return Enumerable.Range(0, n)
                .Select(col => normalize ? (total == 0 ? 0 : matrix[row, col] / (double)total) : matrix[row, col])
                .ToArray();
        }).ToArray();
        var names = classNames.ToArray();
        var chart = Chart.Heatmap<double, string, string, string>(
            z, X: names, Y: names, ReverseYAxis: true, ColorScale: StyleParam.Colorscale.Viridis);
        var size = Math.Max(450, 28 * n + 200);
        return Styled(chart, normalize ? title + " (share of each true class)" : title, "predicted", "true", width: size, height: size);
    }

    /// <summary>
    /// One attention head's probabilities over a sentence's tokens, row-major (n × n for n tokens): row i is how much
    /// token i attends to each token (rows sum to 1). Padding columns are 0, since the mask removed them before the softmax.
    /// </summary>
    public static GenericChart AttentionHeatmap(IReadOnlyList<float> probabilities, IReadOnlyList<string> tokens,
        string title = "Attention")
    {
        var n = tokens.Count;
        if (probabilities.Count != n * n)
            throw new ArgumentException($"{probabilities.Count} probabilities for {n} tokens; pass the {n} x {n} block of one head.",
                nameof(probabilities));
        // Plotly merges equal category labels, so a repeated token gets its position appended.
        var labels = tokens.Select((token, i) => tokens.Take(i).Contains(token) ? $"{token} ({i})" : token).ToArray();
        var z = Enumerable.Range(0, n)
            .Select(row => Enumerable.Range(0, n).Select(col => (double)probabilities[row * n + col]).ToArray())
            .ToArray();
        var chart = Chart.Heatmap<double, string, string, string>(z, X: labels, Y: labels, ReverseYAxis: true,
            ColorScale: StyleParam.Colorscale.Viridis);
        var size = Math.Max(400, 26 * n + 180);
        return Styled(chart, title, "attended token (key)", "token (query)", width: size, height: size);
    }

    /// <summary>Two models' metrics side by side: one group of bars per metric.</summary>
    public static GenericChart ModelComparison(
        IReadOnlyList<string> metricNames, string modelA, IReadOnlyList<double> valuesA, string modelB, IReadOnlyList<double> valuesB,
        string title = "Model comparison")
    {
        SameLength(metricNames, nameof(metricNames), valuesA, nameof(valuesA));
        SameLength(metricNames, nameof(metricNames), valuesB, nameof(valuesB));
        var keys = metricNames.ToArray();
        var a = Chart.Column<double, string, string>(valuesA, Keys: keys, Name: modelA);
        var b = Chart.Column<double, string, string>(valuesB, Keys: keys, Name: modelB);
        return Styled(Chart.Combine([a, b]), title, "metric", "value");
    }

    /// <summary>Equal-width bins from the smallest to the largest length: (start of each bin, texts in it).</summary>
    static (int[] Starts, int[] Counts) Histogram(IReadOnlyList<int> values, int bins)
    {
        var (min, max) = (values.Min(), values.Max());
        var width = Math.Max(1, (int)Math.Ceiling((max - min + 1) / (double)bins));
        var count = (max - min) / width + 1;
        var counts = new int[count];
        foreach (var v in values) counts[(v - min) / width]++;
        return ([.. Enumerable.Range(0, count).Select(i => min + i * width)], counts);
    }

    static GenericChart Styled(GenericChart chart, string title, string xTitle, string yTitle, int width = 800, int height = 450) =>
        Plotly.NET.Chart.withTitle(title, null).Invoke(chart)
            .WithXAxisStyle<double, double, string>(TitleText: xTitle)
            .WithYAxisStyle<double, double, string>(TitleText: yTitle)
            .WithSize(width, height);

    static void SameLength<TA, TB>(IReadOnlyList<TA> a, string aName, IReadOnlyList<TB> b, string bName)
    {
        if (a.Count != b.Count)
            throw new ArgumentException($"{aName} has {a.Count} items but {bName} has {b.Count}; " +
                $"give one {bName} value per {aName} entry.", bName);
    }
}
