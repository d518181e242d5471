using BertNotebooks.Notebooks.Tests.Infrastructure;

namespace BertNotebooks.Notebooks.Tests;

/// <summary>
/// The first cell of every real notebook: the library by a relative path, as in VS Code, beside the Plotly packages.
/// The notebook lies in a notebooks/ folder next to a link to this checkout's lib/, so the path is the real one.
/// </summary>
public sealed class LibraryNotebookTests : IDisposable
{
    public const string LibraryReference = "#r \"../lib/BertNotebooks/bin/Debug/net10.0/BertNotebooks.dll\"";

    readonly NotebookHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task A_notebook_loads_the_library_runs_torch_and_shows_a_library_chart()
    {
        Directory.CreateSymbolicLink(Path.Combine(_harness.Root, "lib"), Path.Combine(NotebookHarness.RepositoryRoot, "lib"));
        var path = new SyntheticNotebook()
            .Code($"{LibraryReference}\n#r \"nuget: Plotly.NET.Interactive, 6.0.0\"\n#r \"nuget: Plotly.NET.CSharp, 0.14.0\"")
            .Code("Console.WriteLine(BertNotebooks.Native.TorchNative.EnsureLoaded());\nConsole.WriteLine($\"sum={TorchSharp.torch.ones(2).sum().item<float>()}\");")
            .Code("BertNotebooks.IO.AtomicFile.WriteAllText(\"from-library.txt\", \"ok\");")
            .Code("BertNotebooks.Charts.Figures.LabelDistribution(new[] { \"comp.graphics\", \"sci.space\" }, new[] { 584, 593 })")
            .WriteTo(Path.Combine(_harness.Root, "notebooks", "library.ipynb"));

        var result = await _harness.RunAsync(path, html: true);

        Assert.True(result.Succeeded, $"cell {result.FailedCell?.CellNumber}: {result.FailedCell?.Error}");
        var cells = NotebookHarness.Cells(result.OutputPath);
        Assert.Contains("sum=2", NotebookHarness.OutputText(cells[1]));
        Assert.True(File.Exists(Path.Combine(_harness.Root, "notebooks", "from-library.txt")));
        var chart = NotebookHarness.OutputText(cells[3]);
        Assert.Contains("renderPlotly_", chart); // Plotly.NET.Interactive's formatter knew the library's chart type
        Assert.Contains("comp.graphics", chart);
    }
}
