using BertNotebooks.Display;
using BertNotebooks.Notebooks.Tests.Infrastructure;
using BertNotebooks.Runner;

namespace BertNotebooks.Notebooks.Tests;

/// <summary>Charts must draw offline: in the executed notebook and in the exported page.</summary>
public sealed class HtmlExportTests : IDisposable
{
    readonly NotebookHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    /// <summary>What Plotly.NET would fetch from the network.</summary>
    static readonly string[] NetworkLoads = ["cdn.plot.ly/plotly-", "require.min.js", "requirejs.config"];

    async Task<NotebookResult> RunChartNotebookAsync()
    {
        var path = new SyntheticNotebook()
            .Markdown("# Charts offline\n\nA *bar* chart and a line chart.")
            .Code("#r \"nuget: Plotly.NET.Interactive, 6.0.0\"\n#r \"nuget: Plotly.NET.CSharp, 0.14.0\"")
            .Code("Plotly.NET.CSharp.Chart.Column<int, string, string>(new[] { 3, 5 }, Keys: new[] { \"alpha\", \"beta\" })")
            .Code("Plotly.NET.CSharp.Chart.Line<int, double, string>(new[] { 1, 2 }, new[] { 0.5, 0.25 }).Display();")
            .WriteTo(Path.Combine(_harness.Root, "notebooks", "charts.ipynb"));
        var result = await _harness.RunAsync(path, html: true);
        Assert.True(result.Succeeded, result.FailedCell?.Error);
        return result;
    }

    static int Count(string text, string part) => (text.Length - text.Replace(part, "").Length) / part.Length;

    [Fact]
    public async Task Exported_html_inlines_plotly_once_and_loads_nothing_from_the_network()
    {
        var result = await RunChartNotebookAsync();

        var html = await File.ReadAllTextAsync(result.HtmlPath!);
        Assert.Equal(1, Count(html, PlotlyOffline.ScriptId));
        Assert.Contains($"plotly.js v{PlotlyOffline.Version}", html);
        Assert.Equal(2, Count(html, "var renderPlotly_"));
        Assert.All(NetworkLoads, url => Assert.DoesNotContain(url, html));
        Assert.Contains("<h1 id=\"charts-offline\">Charts offline</h1>", html);
        Assert.Contains("<em>bar</em>", html);
        Assert.Contains("[&quot;alpha&quot;,&quot;beta&quot;]", html.Replace("[\"alpha\",\"beta\"]", "[&quot;alpha&quot;,&quot;beta&quot;]"));
    }

    [Fact]
    public async Task Executed_notebook_charts_draw_with_the_inlined_plotly()
    {
        var result = await RunChartNotebookAsync();

        var notebook = await File.ReadAllTextAsync(result.OutputPath);
        Assert.Equal(1, Count(notebook, PlotlyOffline.ScriptId));
        Assert.All(NetworkLoads, url => Assert.DoesNotContain(url, notebook));
        var cells = NotebookHarness.Cells(result.OutputPath);
        Assert.Contains("renderPlotly_", NotebookHarness.OutputText(cells[2]));
        Assert.Contains("renderPlotly_", NotebookHarness.OutputText(cells[3]));
    }

    [ChromiumFact]
    public async Task Chromium_draws_the_exported_chart_offline()
    {
        var result = await RunChartNotebookAsync();

        var dom = await Chromium.DumpDomAsync(result.HtmlPath!);
        var screenshot = Path.Combine(NotebookHarness.RepositoryRoot, "artifacts", "notebook-tests", "charts.png");
        Directory.CreateDirectory(Path.GetDirectoryName(screenshot)!);
        File.Delete(screenshot);
        await Chromium.ScreenshotAsync(result.HtmlPath!, screenshot);

        Assert.True(Count(dom, "class=\"main-svg\"") >= 2, "plotly.js drew no chart: no main-svg element in the DOM.");
        Assert.Contains(">alpha<", dom);
        Assert.True(new FileInfo(screenshot).Length > 0);
    }
}
