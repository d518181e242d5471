using BertNotebooks.Display;
using Microsoft.DotNet.Interactive.Documents;

namespace BertNotebooks.Runner;

/// <summary>The charts of an executed notebook, made to draw offline with <see cref="PlotlyOffline"/>.</summary>
public static class NotebookCharts
{
    /// <summary>Rewrites every chart in the notebook's outputs and puts plotly.js before the first one.</summary>
    public static void EmbedInNotebook(InteractiveDocument notebook)
    {
        var first = true;
        foreach (var data in OutputData(notebook))
        {
            if (data.TryGetValue("text/html", out var value) && value is string html && PlotlyOffline.IsChart(html))
            {
                data["text/html"] = (first && !html.Contains(PlotlyOffline.ScriptId) ? PlotlyOffline.ScriptTag : "")
                    + PlotlyOffline.UseGlobalPlotly(html);
                first = false;
            }
        }
    }

    /// <summary>
    /// The reverse of <see cref="EmbedInNotebook"/>'s inlining: plotly.js taken out again, the charts left drawing with a
    /// global <c>Plotly</c> that a page brings (the published expected outputs share one plotly.min.js).
    /// </summary>
    public static void RemovePlotlyScript(InteractiveDocument notebook)
    {
        foreach (var data in OutputData(notebook))
            if (HtmlExporter.Text(data, "text/html") is { } html)
                data["text/html"] = html.Replace(PlotlyOffline.ScriptTag, "");
    }

    /// <summary>The mime bundles of every displayed and returned value, in order.</summary>
    static IEnumerable<IDictionary<string, object>> OutputData(InteractiveDocument notebook) =>
        notebook.Elements.SelectMany(c => c.Outputs).Select(DataOf).OfType<IDictionary<string, object>>();

    internal static IDictionary<string, object>? DataOf(InteractiveDocumentOutputElement output) => output switch
    {
        DisplayElement display => display.Data,
        ReturnValueElement returned => returned.Data,
        _ => null,
    };
}
