using BertNotebooks.Display;
using BertNotebooks.Evaluation;

namespace BertNotebooks.Tests.Evaluation;

/// <summary>Expected numbers are worked by hand from sklearn's definitions (comments show the working).</summary>
public sealed class ClassificationMetricsTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("bertnb-metrics-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void MatthewsCorrelationMatchesSklearnsMulticlassFormula()
    {
        int[] yTrue = [0, 0, 0, 1, 1, 2, 2, 2], yPred = [0, 1, 0, 1, 1, 2, 0, 2];
        // sklearn's matthews_corrcoef: t = true counts (3, 2, 3), p = predicted (3, 3, 2), c = 6 correct of s = 8:
        // (c s - t.p) / sqrt((s^2 - t.t)(s^2 - p.p)) = (48 - 21) / sqrt((64 - 22)(64 - 22)) = 27 / 42.
        var summary = ClassificationMetrics.Compute(yTrue, yPred, ["a", "b", "c"]).Summary;
        Assert.Equal(27.0 / 42, summary["matthews_corrcoef"], 12);
        // One class predicted for everything: sklearn defines it as 0, not NaN.
        Assert.Equal(0, ClassificationMetrics.Compute(yTrue, new int[8], ["a", "b", "c"]).Summary["matthews_corrcoef"]);
    }

    [Fact]
    public void ThreeClassCaseMatchesSklearn()
    {
        int[] yTrue = [0, 0, 0, 1, 1, 2], yPred = [0, 0, 1, 1, 2, 1];
        var r = ClassificationMetrics.Compute(yTrue, yPred, ["a", "b", "c"]);
        // class 0: tp 2, predicted 2, true 3 -> P 1, R 2/3, F1 2*2/(3+2) = 0.8
        // class 1: tp 1, predicted 3, true 2 -> P 1/3, R 1/2, F1 2/(2+3) = 0.4
        // class 2: tp 0, predicted 1, true 1 -> P 0, R 0, F1 0
        AssertClass(r.PerClass[0], "a", 1, 2.0 / 3, 0.8, 3);
        AssertClass(r.PerClass[1], "b", 1.0 / 3, 0.5, 0.4, 2);
        AssertClass(r.PerClass[2], "c", 0, 0, 0, 1);
        Assert.Equal(0.5, r.Accuracy, 12);                  // 3 of 6
        Assert.Equal(4.0 / 9, r.MacroPrecision, 12);        // (1 + 1/3 + 0) / 3
        Assert.Equal(7.0 / 18, r.MacroRecall, 12);          // (2/3 + 1/2 + 0) / 3
        Assert.Equal(0.4, r.MacroF1, 12);                   // (0.8 + 0.4 + 0) / 3
        Assert.Equal(11.0 / 18, r.WeightedPrecision, 12);   // (3*1 + 2*(1/3) + 1*0) / 6
        Assert.Equal(0.5, r.WeightedRecall, 12);            // (3*(2/3) + 2*(1/2) + 0) / 6
        Assert.Equal(3.2 / 6, r.WeightedF1, 12);            // (3*0.8 + 2*0.4 + 0) / 6
        Assert.Equal(new[,] { { 2, 1, 0 }, { 0, 1, 1 }, { 0, 1, 0 } }, r.ConfusionMatrix.Counts);
    }

    [Fact]
    public void NeverPredictedAndAbsentClassesFollowZeroDivision()
    {
        // Class 2 is never predicted (precision 0/0); class 3 never occurs in y_true (recall 0/0).
        int[] yTrue = [0, 0, 1, 1, 2], yPred = [0, 1, 0, 0, 3];
        var r = ClassificationMetrics.Compute(yTrue, yPred);
        // class 0: tp 1, predicted 3, true 2 -> P 1/3, R 1/2, F1 2/(2+3) = 0.4
        // class 1: tp 0, predicted 1, true 2 -> 0, 0, 0
        // class 2: tp 0, predicted 0, true 1 -> P 0/0 = 0, R 0, F1 0/(1+0) = 0
        // class 3: tp 0, predicted 1, true 0 -> P 0, R 0/0 = 0, F1 0/(0+1) = 0
        Assert.Equal([0, 1, 2, 3], r.PerClass.Select(c => c.Label));
        AssertClass(r.PerClass[2], "2", 0, 0, 0, 1);
        AssertClass(r.PerClass[3], "3", 0, 0, 0, 0);
        Assert.Equal(0.2, r.Accuracy, 12);
        Assert.Equal(1.0 / 12, r.MacroPrecision, 12);      // (1/3 + 0 + 0 + 0) / 4
        Assert.Equal(0.125, r.MacroRecall, 12);            // (1/2) / 4
        Assert.Equal(0.1, r.MacroF1, 12);                  // 0.4 / 4
        Assert.Equal(2.0 / 15, r.WeightedPrecision, 12);   // (2*(1/3)) / 5
        Assert.Equal(0.2, r.WeightedRecall, 12);           // (2*(1/2)) / 5
        Assert.Equal(0.16, r.WeightedF1, 12);              // (2*0.4) / 5

        var one = ClassificationMetrics.Compute(yTrue, yPred, zeroDivision: 1);
        Assert.Equal(1, one.PerClass[2].Precision);        // the 0/0 precision becomes 1
        Assert.Equal(1, one.PerClass[3].Recall);           // the 0/0 recall becomes 1
        Assert.Equal(1.0 / 3, one.MacroPrecision, 12);     // (1/3 + 0 + 1 + 0) / 4
        Assert.Equal(0.375, one.MacroRecall, 12);          // (1/2 + 0 + 0 + 1) / 4
        Assert.Equal(0.1, one.MacroF1, 12);                // F1 denominators are all non-zero: unchanged
        Assert.Equal(1.0 / 3, one.WeightedPrecision, 12);  // (2*(1/3) + 1*1) / 5
        Assert.Equal(0.2, one.WeightedRecall, 12);         // class 3 has support 0, so its 1 weighs nothing
    }

    [Fact]
    public void ExplicitLabelsIncludeAClassSeenNowhere()
    {
        // labels 0..4: class 4 is in neither list, so all of its ratios are 0/0 -> 0, and it lowers the macro average.
        var r = ClassificationMetrics.Compute([0, 0, 1, 1, 2], [0, 1, 0, 0, 3], labels: [0, 1, 2, 3, 4]);
        Assert.Equal(5, r.PerClass.Count);
        AssertClass(r.PerClass[4], "4", 0, 0, 0, 0);
        Assert.Equal(0.08, r.MacroF1, 12); // 0.4 / 5
    }

    [Fact]
    public void MismatchedLengthsAreRejected()
    {
        var error = Assert.Throws<ArgumentException>(() => ClassificationMetrics.Compute([0, 1], [0]));
        Assert.Contains("same length", error.Message);
    }

    [Fact]
    public void ReportSavesAsJsonAndShowsAsDataFrameAndText()
    {
        var r = ClassificationMetrics.Compute([0, 0, 0, 1, 1, 2], [0, 0, 1, 1, 2, 1], ["a", "b", "c"]);
        var path = Path.Combine(_dir, "metrics.json");
        r.Save(path);
        var json = File.ReadAllText(path);
        Assert.Contains("\"Accuracy\": 0.5", json);
        Assert.Contains("\"ConfusionMatrix\"", json);
        var frame = r.ToDataFrame();
        Assert.Equal(5, frame.Rows.Count); // 3 classes + macro avg + weighted avg
        Assert.Equal("weighted avg", frame.Columns["class"][4]);
        Assert.Equal(3, frame.Columns["support"][0]);
        Assert.Equal(3, r.ConfusionMatrix.ToDataFrame().Columns.Count - 1);
        Assert.Contains("   macro avg      0.44      0.39      0.40         6", r.ToString());
    }

    [Fact]
    public void MostConfidentMistakesComeFirst()
    {
        float[][] probabilities = [[0.9f, 0.1f], [0.2f, 0.8f], [0.4f, 0.6f], [0.05f, 0.95f]];
        int[] yTrue = [0, 0, 0, 1];
        var mistakes = MostConfidentMistakes.Find(probabilities, yTrue, count: 5, texts: ["w", "x", "y", "z"]);
        Assert.Equal([1, 2], mistakes.Select(m => m.Index)); // 0.8 before 0.6; rows 0 and 3 are right
        Assert.Equal("x", mistakes[0].Text);
        Assert.Equal(0.8f, mistakes[0].Confidence, 6);
        var frame = mistakes.ToDataFrame(["neg", "pos"]);
        Assert.Equal("neg", frame.Columns["true"][0]);
        Assert.Equal("pos", frame.Columns["predicted"][0]);
    }

    static void AssertClass(ClassMetrics c, string name, double precision, double recall, double f1, int support)
    {
        Assert.Equal(name, c.Name);
        Assert.Equal(precision, c.Precision, 12);
        Assert.Equal(recall, c.Recall, 12);
        Assert.Equal(f1, c.F1, 12);
        Assert.Equal(support, c.Support);
    }
}
