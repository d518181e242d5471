using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text;
using System.Text.RegularExpressions;

namespace BertNotebooks.Display;

/// <summary>
/// Plotly.NET's notebook HTML fetches require.js and plotly.js from CDNs, so its charts are blank offline. Here each
/// chart is rewritten to draw with a global <c>Plotly</c>, and plotly.js itself (the copy embedded in Plotly.NET.dll,
/// whose version matches the charts) is inlined once per page. The runner compiles this file in too (it must not load
/// the library), for its executed notebooks and HTML pages; the apps write each chart as a page of its own.
/// </summary>
public static partial class PlotlyOffline
{
    /// <summary>Marks the inlined script, so that an exporter can find it and keep one copy per page.</summary>
    public const string ScriptId = "bertnb-plotly-js";

    static readonly Lazy<(string Version, string Script)> Embedded = new(ReadFromPlotlyNet);

    /// <summary>The plotly.js version Plotly.NET draws with, e.g. 2.28.0.</summary>
    public static string Version => Embedded.Value.Version;

    /// <summary>plotly.js itself, minified, for a page that loads it from a file.</summary>
    public static string Script => Embedded.Value.Script;

    /// <summary>
    /// plotly.js as one script element that always sets <c>window.Plotly</c>: its loader would otherwise register an AMD
    /// module where a page has require.js (Jupyter), so <c>define</c>, <c>module</c> and <c>exports</c> are hidden from it.
    /// <c>&lt;/</c> is escaped so that no string in plotly.js can end the element early.
    /// </summary>
    public static string ScriptTag => Tag.Value;

    static readonly Lazy<string> Tag = new(() =>
        $"<script type=\"text/javascript\" id=\"{ScriptId}\">(function (define, module, exports) {{\n" +
        Embedded.Value.Script.Replace("</", "<\\/") +
        "\n}).call(window);</script>");

    /// <summary>True for HTML that Plotly.NET wrote for a chart.</summary>
    public static bool IsChart(string html) => html.Contains("renderPlotly_", StringComparison.Ordinal);

    /// <summary>Makes a chart draw with the page's global <c>Plotly</c> instead of loading require.js and plotly.js from CDNs.</summary>
    public static string UseGlobalPlotly(string chartHtml)
    {
        var html = RequireConfig().Replace(chartHtml, "var fsharpPlotlyRequire = function(modules, draw) { draw(window.Plotly); };");
        return RequireLoader().Replace(html, "$1");
    }

    /// <summary>A page of its own for one chart's HTML: it draws in any browser, offline.</summary>
    public static string Page(string chartHtml, string title) =>
        "<!DOCTYPE html>\n<html>\n" +
        $"<head><meta charset=\"utf-8\"><title>{System.Net.WebUtility.HtmlEncode(title)}</title></head>\n<body>\n" +
        $"{ScriptTag}\n{UseGlobalPlotly(chartHtml)}\n</body>\n</html>\n";

    // var fsharpPlotlyRequire =
    //     requirejs.config({context:'fsharp-plotly',paths:{plotly:'https://cdn.plot.ly/plotly-2.28.0.min'}}) || require;
    [GeneratedRegex(@"var fsharpPlotlyRequire = requirejs\.config\(\{.*?\}\}\) \|\| require;")]
    private static partial Regex RequireConfig();

    // if ((typeof(requirejs) !== ...) { ...load require.js from a CDN, then draw... } else { renderPlotly_X(); }
    [GeneratedRegex(@"if \(\(typeof\(requirejs\)[\s\S]*?else\s*\{\s*(renderPlotly_\w+\(\);)\s*\}")]
    private static partial Regex RequireLoader();

    /// <summary>
    /// Reads the plotly.js resource from Plotly.NET.dll as data: loading the assembly here could clash with the notebook's own copy.
    /// </summary>
    static (string, string) ReadFromPlotlyNet()
    {
        // The runner keeps a copy apart (plotlyjs/), never loaded; a program that references Plotly.NET has it beside it.
        var dll = new[] { Path.Combine(AppContext.BaseDirectory, "plotlyjs", "Plotly.NET.dll"),
                Path.Combine(AppContext.BaseDirectory, "Plotly.NET.dll") }
            .FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException($"Plotly.NET.dll is missing from '{AppContext.BaseDirectory}' and its plotlyjs/ folder; " +
                "rebuild the program.");
        using var pe = new PEReader(File.OpenRead(dll));
        var metadata = pe.GetMetadataReader();
        foreach (var handle in metadata.ManifestResources)
        {
            var resource = metadata.GetManifestResource(handle);
            var name = metadata.GetString(resource.Name);
            if (!name.StartsWith("Plotly.NET.plotly-", StringComparison.Ordinal)
                || !name.EndsWith(".min.js", StringComparison.Ordinal)) continue;
            var resources = pe.GetSectionData(pe.PEHeaders.CorHeader!.ResourcesDirectory.RelativeVirtualAddress);
            var reader = resources.GetReader((int)resource.Offset, resources.Length - (int)resource.Offset);
            var length = reader.ReadInt32(); // each managed resource: a 4-byte length, then the bytes
            var script = Encoding.UTF8.GetString(reader.ReadBytes(length));
            return (name["Plotly.NET.plotly-".Length..^".min.js".Length], script);
        }
        throw new InvalidDataException($"'{dll}' holds no Plotly.NET.plotly-*.min.js resource; " +
            "the Plotly.NET version in Directory.Packages.props may have moved it.");
    }
}
