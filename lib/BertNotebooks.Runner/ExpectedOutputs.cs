using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using BertNotebooks.Display;
using BertNotebooks.IO;
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Documents.Jupyter;

namespace BertNotebooks.Runner;

/// <summary>
/// The executed notebooks published for readers who have not run anything (the README links them): each notebook with
/// its outputs, an HTML page per notebook that draws its charts with one shared plotly.min.js, and an index README.md
/// with the machine, the times and the command that made them. plotly.js (3.6 MB) is stored once, not once per notebook.
/// </summary>
public static partial class ExpectedOutputs
{
    public const string PlotlyFile = "plotly.min.js";

    /// <param name="processPerNotebook">whether each notebook ran in a process of its own (the runner's default), which
    /// decides what the index says its peak memory column means</param>
    public static string Publish(string dir, IReadOnlyList<NotebookResult> results, IReadOnlyList<RunSummary.Entry> entries,
        string? profile, string command, bool processPerNotebook = true)
    {
        Directory.CreateDirectory(dir);
        foreach (var result in results)
        {
            var notebook = NotebookRunner.Read(result.OutputPath);
            var notebookFolder = Path.GetDirectoryName(result.SourcePath)!;
            AtomicFile.WriteAllText(Path.Combine(dir, result.Notebook + ".html"),
                HtmlExporter.Export(notebook, result.Notebook, notebookFolder, $"<script src=\"{PlotlyFile}\"></script>"));
            NotebookCharts.RemovePlotlyScript(notebook); // the HTML pages draw the charts
            PicturesFrom(notebook, Path.GetRelativePath(dir, notebookFolder));
            AtomicFile.Write(Path.Combine(dir, result.Notebook + ".ipynb"),
                stream => Notebook.Write(notebook, stream, NotebookKernel.KernelInfos));
        }
        AtomicFile.WriteAllText(Path.Combine(dir, PlotlyFile), PlotlyOffline.Script);
        var index = Path.Combine(dir, "README.md");
        AtomicFile.WriteAllText(index, Index(entries, profile, command, processPerNotebook));
        return index;
    }

    /// <summary>Relative picture links (<c>figures/x.svg</c>) made to start from the published folder.</summary>
    static void PicturesFrom(InteractiveDocument notebook, string notebookFolderFromDir)
    {
        var prefix = notebookFolderFromDir.Replace('\\', '/') + "/";
        foreach (var cell in notebook.Elements.Where(c => c.KernelName == "markdown"))
            cell.Contents = RelativePicture().Replace(cell.Contents, m => $"{m.Groups["alt"].Value}({prefix}{m.Groups["path"].Value})");
    }

    [GeneratedRegex(@"(?<alt>!\[[^\]]*(?:\[[^\]]*\][^\]]*)*\])\((?!data:|[a-z]+://|/)(?<path>[^)\s]+)\)")]
    private static partial Regex RelativePicture();

    static string Index(IReadOnlyList<RunSummary.Entry> entries, string? profile, string command, bool processPerNotebook)
    {
        var text = new StringBuilder();
        text.AppendLine($"# Expected outputs: the {profile ?? "default"} profile");
        text.AppendLine();
        text.AppendLine("What the notebooks show when they run, for reading before running anything. The `.ipynb` files hold every");
        text.AppendLine("table and number (GitHub renders them, without the charts); the `.html` pages also draw the charts, offline");
        text.AppendLine($"(open them in a browser; they share `{PlotlyFile}`). " +
            "Your numbers differ a little with the CPU and the thread count.");
        text.AppendLine();
        text.AppendLine($"- Made with: `{command}`");
        text.AppendLine($"- On: {Environment.ProcessorCount} cores, " +
            $"{DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)};" +
            " 04-training names the CPU and the precision it chose.");
        text.AppendLine();
        text.AppendLine("| notebook | time | peak memory | code cells run | with outputs | with charts |");
        text.AppendLine("| --- | ---: | ---: | ---: | --- | --- |");
        foreach (var e in entries)
            text.AppendLine($"| {e.Notebook} | {e.Seconds.ToString("0.0", CultureInfo.InvariantCulture)} s | " +
                $"{e.PeakText} | {e.CellsRun} | " +
                $"[{e.Notebook}.ipynb]({e.Notebook}.ipynb) | [{e.Notebook}.html]({e.Notebook}.html) |");
        text.AppendLine($"| total | {entries.Sum(e => e.Seconds).ToString("0.0", CultureInfo.InvariantCulture)} s | | | | |");
        text.AppendLine();
        text.AppendLine(processPerNotebook
            ? "Peak memory: the largest resident size of the process that ran the notebook (each ran in a process of its own, as "
              + "a notebook's kernel does in VS Code or Jupyter)."
            : "Peak memory: the process's largest resident size when the notebook ended (with --one-process the notebooks ran one "
              + "after another in one process); where it rises, that notebook set a new peak.");
        return text.ToString();
    }
}
