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
        foreach (var data in notebook.Elements.SelectMany(c => c.Outputs).Select(DataOf).OfType<IDictionary<string, object>>())
        {
            if (data.TryGetValue("text/html", out var value) && value is string html && PlotlyOffline.IsChart(html))
            {
                data["text/html"] = (first && !html.Contains(PlotlyOffline.ScriptId) ? PlotlyOffline.ScriptTag : "")
                    + PlotlyOffline.UseGlobalPlotly(html);
                first = false;
            }
        }
    }

    internal static IDictionary<string, object>? DataOf(InteractiveDocumentOutputElement output) => output switch
    {
        DisplayElement display => display.Data,
        ReturnValueElement returned => returned.Data,
        _ => null,
    };
}
