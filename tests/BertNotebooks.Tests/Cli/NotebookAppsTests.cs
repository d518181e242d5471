using BertNotebooks.Cli.Apps;

namespace BertNotebooks.Tests.Cli;

/// <summary>The apps in notebooks/apps are generated from the notebooks: never stale, and what the exporter makes of a cell.</summary>
public sealed class NotebookAppsTests
{
    static string NotebooksDir => Path.Combine(BertPaths.RepositoryRoot!, "notebooks");

    [Fact]
    public void The_committed_apps_are_what_the_notebooks_export_to()
    {
        var apps = NotebookAppExporter.ExportAll(NotebooksDir);
        Assert.Equal(7, apps.Count);
        var stale = apps.Where(a => !a.IsCurrent)
            .Select(a => $"{Path.GetFileName(a.Notebook)} (notebooks/apps/{Path.GetFileName(a.Path)})").ToList();
        Assert.True(stale.Count == 0,
            $"Stale apps: {string.Join(", ", stale)}. Re-export them with `{NotebookAppExporter.Command}` and commit the result.");
        var extra = Directory.GetFiles(Path.Combine(NotebooksDir, NotebookAppExporter.AppsFolder), "*.cs").Except(apps.Select(a => a.Path));
        Assert.Empty(extra); // an app whose notebook was renamed or removed
    }

    [Fact]
    public void A_bare_last_expression_and_display_calls_go_to_the_console_helper()
    {
        var code = "var x = 1;\ndisplay(x + 1);\nif (x > 0) display(\"yes\");\n$\"x = {x}\"  // the cell's value";

        Assert.Equal("var x = 1;\nConsoleDisplay.Show(x + 1);\nif (x > 0) ConsoleDisplay.Show(\"yes\");\n" +
            "ConsoleDisplay.Show($\"x = {x}\");  // the cell's value",
            CellRewriter.Rewrite(code));
        Assert.Equal("var y = 2;", CellRewriter.Rewrite("var y = 2;")); // a cell that shows nothing
        Assert.Equal("using (a) { ConsoleDisplay.Show(b); }", CellRewriter.Rewrite("using (a) { display(b); }"));
    }

    [Fact]
    public void An_exported_notebook_keeps_its_cells_in_order_and_reads_its_parameters_from_the_command_line()
    {
        NotebookCell[] cells =
        [
            new(false, "# Title\n\n" + string.Join(" ", Enumerable.Repeat("word", 40)), []),
            new(true, "#!import setup.dib", []),
            new(true, "string? profile = null;\nvar maxLength = 128;", ["parameters"]),
            new(true, "maxLength * 2", []),
            new(true, "#!time\nvar z = 3;", []),
        ];

        var app = NotebookAppExporter.Export("07-test", cells, ["using System.IO;"]);

        Assert.StartsWith("#:project ../../lib/BertNotebooks/BertNotebooks.csproj\n", app);
        Assert.Contains("return NotebookApp.Run(args, [\"profile\", \"maxLength\"], Cells);\n\nvoid Cells(NotebookApp notebookApp)\n{", app);
        Assert.Contains("    maxLength = notebookApp.Parameter(\"maxLength\", maxLength);", app);
        Assert.Contains("    // ---- cell 4 ----\n    ConsoleDisplay.Show(maxLength * 2);", app);
        Assert.Contains("    ConsoleDisplay.Heading(\"Title\");", app);
        Assert.Contains("    // (notebook kernel only) #!time\n    var z = 3;\n}\n", app);
        Assert.All(app.Split('\n'), line => Assert.True(line.Length <= 120, line));
        Assert.True(app.IndexOf("cell 1 ", StringComparison.Ordinal) < app.IndexOf("cell 2 ", StringComparison.Ordinal));
    }

    [Fact]
    public void A_cells_nuget_references_and_usings_move_to_the_top_of_the_app()
    {
        NotebookCell[] cells =
        [
            new(true, "#!import setup.dib", []),
            new(true, "var x = 1;", []),
            new(true, "#r \"nuget: Microsoft.ML.Tokenizers, 3.0.0\"\nusing Microsoft.ML.Tokenizers;\nusing var scope = Open();", []),
        ];

        var app = NotebookAppExporter.Export("07-test", cells, ["using System.IO;"]);

        var lines = app.Split('\n').ToList();
        int package = lines.IndexOf("#:package Microsoft.ML.Tokenizers"), usingLine = lines.IndexOf("using Microsoft.ML.Tokenizers;");
        int firstStatement = lines.IndexOf("    var x = 1;");
        Assert.True(package >= 0 && usingLine > package && firstStatement > usingLine, app);
        Assert.Contains("// #r \"nuget: Microsoft.ML.Tokenizers, 3.0.0\": the #:package line at the top of this file", app);
        Assert.Contains("    // using Microsoft.ML.Tokenizers; (at the top of this file)\n    using var scope = Open();", app); // a statement stays
    }
}
