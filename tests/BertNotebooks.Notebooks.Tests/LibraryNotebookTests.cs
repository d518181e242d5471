using BertNotebooks.Notebooks.Tests.Infrastructure;

namespace BertNotebooks.Notebooks.Tests;

/// <summary>
/// The first cell of every real notebook, <c>#!import setup.dib</c>: the library by a relative path, as in VS Code,
/// beside the Plotly packages. The notebook lies in a notebooks/ folder (with a copy of the real setup.dib) next to a
/// link to this checkout's lib/, so the path is the real one.
/// </summary>
public sealed class LibraryNotebookTests : IDisposable
{
    readonly NotebookHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task A_notebook_loads_the_library_runs_torch_and_shows_a_library_chart()
    {
        Directory.CreateSymbolicLink(Path.Combine(_harness.Root, "lib"), Path.Combine(NotebookHarness.RepositoryRoot, "lib"));
        var notebooks = Directory.CreateDirectory(Path.Combine(_harness.Root, "notebooks")).FullName;
        File.Copy(Path.Combine(NotebookHarness.RepositoryRoot, "notebooks", "setup.dib"), Path.Combine(notebooks, "setup.dib"));
        var path = new SyntheticNotebook()
            .Code("#!import setup.dib")
            .Code("Console.WriteLine(BertNotebooks.Native.TorchNative.EnsureLoaded());\n" +
                "Console.WriteLine($\"sum={TorchSharp.torch.ones(2).sum().item<float>()}\");")
            .Code("BertNotebooks.IO.AtomicFile.WriteAllText(\"from-library.txt\", \"ok\");")
            .Code("BertNotebooks.Display.Figures.LabelDistribution(new[] { \"comp.graphics\", \"sci.space\" }, new[] { 584, 593 })")
            .WriteTo(Path.Combine(notebooks, "library.ipynb"));

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
