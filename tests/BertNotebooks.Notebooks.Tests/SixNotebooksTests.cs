using BertNotebooks.Notebooks.Tests.Infrastructure;
using BertNotebooks.Runner;

namespace BertNotebooks.Notebooks.Tests;

/// <summary>
/// The seven real notebooks, headless, in the smoke profile: on 20 Newsgroups and on a small CSV dataset this test writes.
/// Runs go to a temp folder (runName); the converted MiniLM is cached in data/models as for any user.
/// </summary>
public sealed class SixNotebooksTests : IDisposable
{
    readonly NotebookHarness _harness = new();
    static string NotebooksDir => Path.Combine(NotebookHarness.RepositoryRoot, "notebooks");

    public void Dispose() => _harness.Dispose();

    [NewsgroupsFact]
    public async Task All_seven_run_on_20_newsgroups_and_leave_accuracy_charts_and_the_checkpoint()
    {
        var runDir = Path.Combine(_harness.Root, "run-20ng");
        var results = await _harness.RunFolderAsync(NotebooksDir, "smoke", [NotebookParameter.From("runName", runDir)]);

        AssertAllSucceeded(results, 7);
        Assert.Matches(@"accuracy \d\.\d{4}, macro F1 \d\.\d{4} on \d+ validation documents", AllOutputs(results, "05-evaluation"));
        Assert.Contains("renderPlotly_", AllOutputs(results, "01-data")); // the label-distribution chart
        Assert.Contains("renderPlotly_", AllOutputs(results, "05-evaluation")); // the confusion matrix
        Assert.True(File.Exists(Path.Combine(runDir, "best-model", "config.json")));
        Assert.True(File.Exists(Path.Combine(runDir, "best-model", "model.safetensors")));
        Assert.True(File.Exists(Path.Combine(runDir, "metrics.json")));
        Assert.True(File.Exists(Path.Combine(runDir, "best-model", "onnx", "model.onnx")));
        Assert.Contains("The export agrees", AllOutputs(results, "07-deploy")); // ONNX Runtime within 1e-4 of TorchSharp, same classes
        Assert.All(results, r => Assert.True(File.Exists(r.HtmlPath), r.Notebook));

        if (Chromium.Executable is null && !Chromium.IsCi) return; // the Chromium check of the export is ChromiumFact's elsewhere
        var dom = await Chromium.DumpDomAsync(results.Single(r => r.Notebook == "05-evaluation").HtmlPath!);
        Assert.Contains("main-svg", dom); // plotly.js drew the confusion matrix without network
    }

    [Fact]
    public async Task All_seven_run_on_a_csv_dataset_the_test_writes()
    {
        var csv = TinyCsv(Path.Combine(_harness.Root, "tickets.csv"));
        var runDir = Path.Combine(_harness.Root, "run-csv");

        var results = await _harness.RunFolderAsync(NotebooksDir, "smoke",
            [NotebookParameter.From("dataset", $"{csv}?text=message&label=team"), NotebookParameter.From("runName", runDir)]);

        AssertAllSucceeded(results, 7);
        Assert.Contains("3 classes", AllOutputs(results, "01-data"));
        Assert.Contains("\"hardware\"", File.ReadAllText(Path.Combine(runDir, "best-model", "config.json")));
    }

    /// <summary>Support tickets for three teams, made from templates: enough rows for a stratified split.</summary>
    static string TinyCsv(string path)
    {
        var topics = new Dictionary<string, string[]>
        {
            ["hardware"] = ["my laptop screen flickers", "the printer jams on every page", "the keyboard lost two keys"],
            ["billing"] = ["I was charged twice this month", "please refund my last invoice", "the discount code did not apply"],
            ["shipping"] = ["my parcel has not arrived", "the tracking number does not work", "the box came damaged"],
        };
        var rows = topics.SelectMany(t => Enumerable.Range(1, 12).Select(i => $"\"{t.Value[i % 3]}, case {i}\",{t.Key}"));
        File.WriteAllText(path, "message,team\n" + string.Join("\n", rows) + "\n");
        return path;
    }

    static void AssertAllSucceeded(IReadOnlyList<NotebookResult> results, int expected)
    {
        var failed = results.FirstOrDefault(r => !r.Succeeded);
        Assert.True(failed is null,
            failed is null ? "" : $"{failed.Notebook} cell {failed.FailedCell?.CellNumber}: {failed.FailedCell?.Error}");
        Assert.Equal(expected, results.Count);
    }

    static string AllOutputs(IReadOnlyList<NotebookResult> results, string notebook) =>
        string.Join("\n", NotebookHarness.Cells(results.Single(r => r.Notebook == notebook).OutputPath)
            .Where(c => c.GetProperty("cell_type").GetString() == "code").Select(NotebookHarness.OutputText));
}

/// <summary>
/// Needs a local 20 Newsgroups archive: <c>BERTNB_20NG</c>, or ../shared/data (then set as BERTNB_20NG for the notebooks).
/// Skipped with the reason where there is none, and failing under CI=true.
/// </summary>
public sealed class NewsgroupsFactAttribute : FactAttribute
{
    public NewsgroupsFactAttribute() => Skip = SkipReason();

    /// <summary>Null where the archive is (and sets BERTNB_20NG to it), else why the test is skipped (never under CI=true).</summary>
    public static string? SkipReason()
    {
        var archive = Environment.GetEnvironmentVariable("BERTNB_20NG") is { Length: > 0 } set
            ? set
            : Path.GetFullPath(Path.Combine(NotebookHarness.RepositoryRoot, "..", "shared", "data", "20news-bydate.tar.gz"));
        if (File.Exists(archive)) Environment.SetEnvironmentVariable("BERTNB_20NG", archive); // the notebooks read it
        else if (!Chromium.IsCi) return $"No 20 Newsgroups archive at {archive}; set BERTNB_20NG to 20news-bydate.tar.gz.";
        return null;
    }
}

/// <summary>A theory with <see cref="NewsgroupsFactAttribute"/>'s condition.</summary>
public sealed class NewsgroupsTheoryAttribute : TheoryAttribute
{
    public NewsgroupsTheoryAttribute() => Skip = NewsgroupsFactAttribute.SkipReason();
}
