using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using BertNotebooks.Display;
using Markdig;
using Microsoft.DotNet.Interactive.Documents;

namespace BertNotebooks.Runner;

/// <summary>
/// One self-contained HTML page per notebook: markdown rendered, its pictures inlined, code with its outputs, charts
/// drawn by an inlined plotly.js, so that it opens anywhere without network.
/// </summary>
public static partial class HtmlExporter
{
    static readonly MarkdownPipeline Markdown = new MarkdownPipelineBuilder().UseAdvancedExtensions().Build();

    const string Style = """
        body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; }
        .cell { margin: 1em 0; }
        .code .source { background: #f6f8fa; border: 1px solid #ddd; border-radius: 4px; padding: .6em; overflow-x: auto; }
        .prompt { color: #888; font-family: monospace; font-size: .85em; }
        .output { margin: .4em 0 .4em 1.5em; overflow-x: auto; }
        .output pre { margin: 0; white-space: pre-wrap; }
        .stderr { background: #fff4e5; }
        .error { background: #fdecea; color: #a00; padding: .4em; }
        table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: .2em .5em; }
        """;

    /// <param name="pictureFolder">Where the markdown's relative picture paths start (the notebook's folder).</param>
    /// <param name="plotlyScript">The element that brings plotly.js; null: plotly.js inlined
    /// (<see cref="PlotlyOffline.ScriptTag"/>).</param>
    public static string Export(InteractiveDocument notebook, string title, string pictureFolder, string? plotlyScript = null)
    {
        var body = new StringBuilder();
        var hasChart = false;
        foreach (var cell in notebook.Elements)
        {
            if (cell.KernelName == "markdown")
            {
                body.Append("<div class=\"cell markdown\">")
                    .Append(InlinePictures(Markdig.Markdown.ToHtml(cell.Contents ?? "", Markdown), pictureFolder))
                    .Append("</div>\n");
                continue;
            }
            body.Append("<div class=\"cell code\">");
            body.Append("<div class=\"prompt\">In [")
                .Append(cell.ExecutionOrder > 0 ? cell.ExecutionOrder.ToString() : " ")
                .Append("]:</div>");
            body.Append("<pre class=\"source\"><code>").Append(WebUtility.HtmlEncode(cell.Contents)).Append("</code></pre>");
            foreach (var output in cell.Outputs)
            {
                var html = Render(output);
                if (PlotlyOffline.IsChart(html))
                {
                    hasChart = true;
                    html = PlotlyOffline.UseGlobalPlotly(html.Replace(PlotlyOffline.ScriptTag, ""));
                }
                body.Append("<div class=\"output\">").Append(html).Append("</div>");
            }
            body.Append("</div>\n");
        }

        return $"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>{WebUtility.HtmlEncode(title)}</title>
            <style>{Style}</style>
            {(hasChart ? plotlyScript ?? PlotlyOffline.ScriptTag : "")}
            </head>
            <body>
            {body}
            </body>
            </html>
            """;
    }

    /// <summary>
    /// A picture the markdown links by relative path (<c>figures/bert-stack.svg</c>) becomes a data URI, so the page still
    /// shows it when it is copied away from the notebooks. A missing file stays a link: the page shows it broken.
    /// </summary>
    static string InlinePictures(string html, string pictureFolder) => RelativePicture().Replace(html, match =>
    {
        var path = Path.Combine(pictureFolder, WebUtility.HtmlDecode(match.Groups["path"].Value));
        if (!File.Exists(path)) return match.Value;
        var type = Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".svg" => "image/svg+xml",
            ".png" => "image/png",
            ".jpg" or ".jpeg" => "image/jpeg",
            _ => null,
        };
        return type is null ? match.Value : $"<img src=\"data:{type};base64,{Convert.ToBase64String(File.ReadAllBytes(path))}\"";
    });

    [GeneratedRegex("<img src=\"(?!data:|[a-z]+://|/)(?<path>[^\"]+)\"")]
    private static partial Regex RelativePicture();

    static string Render(InteractiveDocumentOutputElement output) => output switch
    {
        TextElement text => $"<pre class=\"{text.Name}\">{WebUtility.HtmlEncode(text.Text)}</pre>",
        ErrorElement error =>
            $"<pre class=\"error\">" +
            $"{WebUtility.HtmlEncode($"{error.ErrorName}: {error.ErrorValue}\n{string.Join("\n", error.StackTrace ?? [])}")}</pre>",
        _ when NotebookCharts.DataOf(output) is { } data => RenderData(data),
        _ => "",
    };

    /// <summary>The richest form the page can show: HTML, then an image, then plain text.</summary>
    static string RenderData(IDictionary<string, object> data)
    {
        if (Text(data, "text/html") is { } html) return html;
        foreach (var image in new[] { "image/png", "image/jpeg" })
            if (Text(data, image) is { } base64) return $"<img src=\"data:{image};base64,{base64.Trim()}\">";
        if (Text(data, "image/svg+xml") is { } svg) return svg;
        return Text(data, "text/plain") is { } plain ? $"<pre>{WebUtility.HtmlEncode(plain)}</pre>" : "";
    }

    /// <summary>A notebook read from disk may hold a value as a list of lines, as .ipynb stores it.</summary>
    internal static string? Text(IDictionary<string, object> data, string mime) =>
        data.TryGetValue(mime, out var value) ? value switch
        {
            string s => s,
            IEnumerable<object> lines => string.Concat(lines),
            _ => value?.ToString(),
        } : null;
}
