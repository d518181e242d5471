using BertNotebooks.Display;
using BertNotebooks.Recipe;
using Microsoft.Data.Analysis;

namespace BertNotebooks.Tests.Display;

/// <summary>The console forms of what notebooks display. ConsoleDisplay is static: these tests share one collection.</summary>
[Collection(nameof(ConsoleDisplayTests))]
public sealed class ConsoleDisplayTests : IDisposable
{
    readonly StringWriter _out = new();
    readonly TextWriter _before = ConsoleDisplay.Out;

    public ConsoleDisplayTests() => ConsoleDisplay.Out = _out;

    public void Dispose() => ConsoleDisplay.Out = _before;

    static DataFrame Frame(int rows) => new(
        new StringDataFrameColumn("name", Enumerable.Range(0, rows).Select(i => $"row {i}\tx")),
        new DoubleDataFrameColumn("value", Enumerable.Range(0, rows).Select(i => i * 1.5)));

    [Fact]
    public void A_table_is_aligned_text_of_its_first_rows()
    {
        var text = TextTable.Format(Frame(12), maxRows: 2);

        Assert.Equal("name     value\nrow 0 x      0\nrow 1 x    1.5\n… 10 more rows (12 in all)", text.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void A_live_table_that_starts_empty_and_a_bool_read_as_words()
    {
        var table = ConsoleDisplay.Show(LogHistory.ToDataFrame([]));
        table.Update(LogHistory.ToDataFrame([new Dictionary<string, double> { ["step"] = 2, ["loss"] = 3.5 }]));
        ConsoleDisplay.Show(true);

        Assert.Equal(["(no rows yet)", "step 2  loss 3.5", "true"], _out.ToString().ReplaceLineEndings("\n").TrimEnd().Split('\n'));
    }

    [Fact]
    public void A_runs_settings_show_its_folder_relative_to_the_checkout()
    {
        var run = RunSettings.For("smoke") with { RunName = "relative-test" };

        var text = TextTable.Format(run.ToDataFrame(), ConsoleDisplay.MaxRows);

        Assert.Contains(BertPaths.ForDisplay(run.RunDir), text);
        Assert.DoesNotContain("more rows", text);
        Assert.Equal("data/runs/x", BertPaths.ForDisplay(Path.Combine(BertPaths.RepositoryRoot!, "data", "runs", "x")));
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        Assert.Equal("~/.cache/elsewhere", BertPaths.ForDisplay(Path.Combine(home, ".cache", "elsewhere")));
    }

    [Fact]
    public void An_updated_table_prints_only_its_new_rows_and_an_updated_text_a_status_line_with_a_bar()
    {
        var table = ConsoleDisplay.Show(Frame(1));
        table.Update(Frame(3));
        var status = ConsoleDisplay.Show("starting");
        status.Update("step 1/2");

        var lines = _out.ToString().ReplaceLineEndings("\n").TrimEnd().Split('\n');
        Assert.Equal(["name     value", "row 0 x      0", "name row 1 x  value 1.5", "name row 2 x  value 3", "starting",
            "[##########..........] step 1/2"], lines);
    }

    [Fact]
    public void A_chart_becomes_an_offline_page_in_the_charts_folder()
    {
        using var folder = new TempFolder();
        var before = ConsoleDisplay.ChartsDir;
        ConsoleDisplay.ChartsDir = folder.Path;
        try { ConsoleDisplay.Show(Figures.AccuracyCurve([1, 2], [0.5, 0.75])); }
        finally { ConsoleDisplay.ChartsDir = before; }

        var page = Assert.Single(Directory.GetFiles(folder.Path, "*.html"));
        Assert.Contains($"chart: {page}", _out.ToString());
        var html = File.ReadAllText(page);
        Assert.Contains(PlotlyOffline.ScriptId, html);
        Assert.DoesNotContain("requirejs.config", html); // no CDN loader left
    }
}
