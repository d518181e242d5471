using BertNotebooks.Display;
using BertNotebooks.Notebooks.Tests.Infrastructure;
using BertNotebooks.Runner;
using Microsoft.DotNet.Interactive.Documents;

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
        Assert.Contains("[&quot;alpha&quot;,&quot;beta&quot;]",
            html.Replace("[\"alpha\",\"beta\"]", "[&quot;alpha&quot;,&quot;beta&quot;]"));
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

    [Fact]
    public void Pictures_the_markdown_links_are_inlined_and_missing_ones_stay_links()
    {
        var folder = Path.Combine(_harness.Root, "notebooks");
        Directory.CreateDirectory(Path.Combine(folder, "figures"));
        const string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"4\" height=\"4\"/>";
        File.WriteAllText(Path.Combine(folder, "figures", "dot.svg"), svg);
        var notebook = new InteractiveDocument
        {
            new InteractiveDocumentElement("![a dot](figures/dot.svg) and ![gone](figures/gone.svg)", "markdown"),
        };

        var html = HtmlExporter.Export(notebook, "pictures", folder);

        Assert.Contains("<img src=\"data:image/svg+xml;base64," +
            $"{Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(svg))}\" alt=\"a dot\"", html);
        Assert.Contains("<img src=\"figures/gone.svg\" alt=\"gone\"", html);
    }

    [Fact]
    public async Task Published_expected_outputs_keep_one_plotly_js_beside_the_pages_and_none_in_the_notebooks()
    {
        var result = await RunChartNotebookAsync();
        var published = Path.Combine(_harness.Root, "docs", "expected");
        var entries = RunSummary.Entries([result.SourcePath], [result]);

        var index = ExpectedOutputs.Publish(published, [result], entries, "smoke", "bertnb-run --publish docs/expected");

        Assert.Equal(PlotlyOffline.Script, await File.ReadAllTextAsync(Path.Combine(published, ExpectedOutputs.PlotlyFile)));
        var page = await File.ReadAllTextAsync(Path.Combine(published, "charts.html"));
        Assert.Contains($"<script src=\"{ExpectedOutputs.PlotlyFile}\"></script>", page);
        Assert.DoesNotContain(PlotlyOffline.ScriptId, page);
        Assert.Equal(2, Count(page, "var renderPlotly_"));
        var notebook = await File.ReadAllTextAsync(Path.Combine(published, "charts.ipynb"));
        Assert.DoesNotContain(PlotlyOffline.ScriptId, notebook);
        Assert.Contains("renderPlotly_", notebook);
        Assert.Contains("| charts | ", await File.ReadAllTextAsync(index));
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
