using System.Text;
using System.Text.RegularExpressions;
using BertNotebooks.Hosting;
using BertNotebooks.Notebooks;

namespace BertNotebooks.Cli.Apps;

/// <summary>A notebook turned into a .NET 10 file-based app: where it goes and its text (with \n line ends).</summary>
public sealed record ExportedApp(string Notebook, string Path, string Text)
{
    /// <summary>True when the file on disk is this text; a checkout's line ends (CRLF on Windows) do not count.</summary>
    public bool IsCurrent => File.Exists(Path) && File.ReadAllText(Path).ReplaceLineEndings("\n") == Text;
}

/// <summary>
/// Turns each notebook into <c>notebooks/apps/NN-name.cs</c>, a file-based app (<c>dotnet run notebooks/apps/01-data.cs</c>)
/// that teaches the same lesson without a notebook kernel: markdown cells become comments in order, code cells become the
/// program with their boundaries marked, and what the notebook displays goes to <see cref="Display.ConsoleDisplay"/>.
/// The apps are generated, never edited: a test compares them with this output.
/// </summary>
public static partial class NotebookAppExporter
{
    public const string AppsFolder = "apps";
    public const string Command = "dotnet run --project lib/BertNotebooks.Cli -- export-apps";
    const int Width = 120;
    const string Setup = "setup.dib";

    /// <summary>Every notebook of <paramref name="notebooksDir"/>, in order.</summary>
    public static IReadOnlyList<ExportedApp> ExportAll(string notebooksDir)
    {
        var usings = SetupUsings(Path.Combine(notebooksDir, Setup));
        return [.. Directory.GetFiles(notebooksDir, "*.ipynb").Order(StringComparer.Ordinal).Select(notebook => new ExportedApp(
            notebook,
            Path.Combine(notebooksDir, AppsFolder, Path.GetFileNameWithoutExtension(notebook) + ".cs"),
            Export(Path.GetFileNameWithoutExtension(notebook), NotebookDocument.Read(notebook), usings)))];
    }

    /// <summary>
    /// The <c>using</c> lines of setup.dib's code: all of its set-up an app needs. Its other lines serve the kernel only
    /// (loading the library's DLL, the Plotly.NET and DataFrame packages, the FSharp.Core handler); an app gets the library
    /// and its packages through <c>#:project</c>, and runs with the FSharp.Core it was built with.
    /// </summary>
    public static IReadOnlyList<string> SetupUsings(string setupDib) =>
        [.. File.ReadLines(setupDib).Select(l => l.Trim()).Where(l => UsingLine().IsMatch(l))];

    public static string Export(string name, IReadOnlyList<NotebookCell> cells, IReadOnlyList<string> setupUsings)
    {
        var parameters = cells.Where(c => c.IsParameters)
            .SelectMany(c => ParameterDeclaration.Read(c.Source, name).Select(d => d.Name)).ToList();
        var code = cells.Where(c => c.IsCode).Select(c => c.Source.ReplaceLineEndings("\n")).ToList();
        var app = new StringBuilder();
        app.AppendLine("#:project ../../lib/BertNotebooks/BertNotebooks.csproj");
        // A cell's #r "nuget: Name, Version" is the app's #:package: a program declares its packages before any code. Without
        // a version: the repository pins it in Directory.Packages.props (a test checks the notebook's is the same).
        var packages = code.SelectMany(c => NuGetReference().Matches(c)).Select(m => $"#:package {m.Groups[1].Value}");
        foreach (var package in packages.Distinct()) app.AppendLine(package);
        app.AppendLine("#:property PicksTorchBackend=true");
        // File-based apps default to native AOT, which turns off the reflection-based JSON the library reads and writes.
        app.AppendLine("#:property PublishAot=false");
        app.AppendLine($"// Generated from notebooks/{name}.ipynb by `{Command}`:");
        app.AppendLine($"// edit the notebook, then re-export. Run from anywhere: dotnet run notebooks/apps/{name}.cs [-- --help]");
        // A cell's own using lines join setup.dib's: in a program they must come before the first statement.
        var cellUsings = code.SelectMany(c => c.Split('\n')).Select(l => l.Trim()).Where(l => UsingLine().IsMatch(l));
        foreach (var line in setupUsings.Append("using BertNotebooks.Notebooks;").Concat(cellUsings).Distinct()) app.AppendLine(line);
        app.AppendLine();
        // NotebookApp.Run reads the command line, runs the cells in the notebooks folder and turns a failure into one line and
        // an exit code; the cells are the body of a local function, so they run as they do in the notebook, top to bottom.
        app.AppendLine($"return NotebookApp.Run(args, [{string.Join(", ", parameters.Select(p => $"\"{p}\""))}], Cells);");
        app.AppendLine();
        app.AppendLine("void Cells(NotebookApp notebookApp)");
        app.AppendLine("{");
        var body = new StringBuilder();
        for (int i = 0; i < cells.Count; i++)
        {
            if (i > 0) body.AppendLine();
            body.AppendLine($"// ---- cell {i + 1} ----");
            var cell = cells[i];
            if (!cell.IsCode) AppendMarkdown(body, cell.Source,
                showHeading: cells.Skip(i + 1).TakeWhile(c => c.IsCode || !HasHeading(c)).Any(c => c.IsCode));
            else AppendCode(body, cell, parameters);
        }
        // Indented as a block: a raw string literal keeps its text, since its closing quotes move with it.
        foreach (var line in body.ToString().ReplaceLineEndings("\n").TrimEnd('\n').Split('\n'))
            app.AppendLine(line.Length == 0 ? "" : Indent + line);
        app.AppendLine("}");
        return app.ToString().ReplaceLineEndings("\n");
    }

    const string Indent = "    ";

    static void AppendMarkdown(StringBuilder app, string markdown, bool showHeading)
    {
        foreach (var line in markdown.ReplaceLineEndings("\n").TrimEnd().Split('\n'))
            foreach (var wrapped in Wrap(line.TrimEnd(), Width - 3 - Indent.Length)) app.AppendLine(("// " + wrapped).TrimEnd());
        // In a terminal the sections' titles tell where the output belongs, as the notebook's headings do.
        if (showHeading && HeadingLine().Match(markdown) is { Success: true } heading)
            app.AppendLine("ConsoleDisplay.Heading(" +
                $"{Microsoft.CodeAnalysis.CSharp.SymbolDisplay.FormatLiteral(heading.Groups[1].Value.Trim(), quote: true)});");
    }

    static void AppendCode(StringBuilder app, NotebookCell cell, IReadOnlyList<string> parameters)
    {
        var code = cell.Source.ReplaceLineEndings("\n").TrimEnd();
        if (code.StartsWith("#!import " + Setup, StringComparison.Ordinal))
        {
            app.AppendLine($"// {code}: its usings are at the top of this file (the rest loads the library into the notebook kernel).");
            return;
        }
        // #r "nuget: ..." and using lines are at the top of the file; other kernel directives (#!time) have no meaning in a
        // program. All stay visible, as comments.
        code = NuGetReference().Replace(code, "// $0: the #:package line at the top of this file");
        code = UsingLineInCell().Replace(code, "// $0 (at the top of this file)");
        app.AppendLine(CellRewriter.Rewrite(KernelDirective().Replace(code, "// (notebook kernel only) $0")));
        if (!cell.IsParameters) return;
        app.AppendLine("// The command line sets them: "
            + string.Join(", ", parameters.Take(3).Select(p => $"--{NotebookApp.Kebab(p)} VALUE")) + ", ...");
        foreach (var parameter in parameters) app.AppendLine($"{parameter} = notebookApp.Parameter(\"{parameter}\", {parameter});");
    }

    static bool HasHeading(NotebookCell cell) => HeadingLine().IsMatch(cell.Source);

    /// <summary>Words wrapped at <paramref name="width"/>; continuation lines keep the line's indentation (list items included).</summary>
    static IEnumerable<string> Wrap(string line, int width)
    {
        if (line.Length <= width) { yield return line; yield break; }
        var prefix = ListIndent().Match(line).Length;
        var indent = new string(' ', prefix);
        var current = new StringBuilder(line[..prefix]);
        var lineStart = true;
        foreach (var word in line[prefix..].Split(' '))
        {
            if (!lineStart && current.Length + 1 + word.Length > width)
            {
                yield return current.ToString();
                current.Clear().Append(indent);
                lineStart = true;
            }
            if (!lineStart) current.Append(' ');
            current.Append(word);
            lineStart = false;
        }
        yield return current.ToString();
    }

    [GeneratedRegex(@"^[ \t]*#(r[ \t]|!).*$", RegexOptions.Multiline)]
    private static partial Regex KernelDirective();

    [GeneratedRegex(@"^using [\w.]+;$")]
    private static partial Regex UsingLine();

    [GeneratedRegex(@"^using [\w.]+;[ \t]*$", RegexOptions.Multiline)]
    private static partial Regex UsingLineInCell();

    [GeneratedRegex(@"^[ \t]*#r[ \t]+""nuget:[ \t]*([\w.]+)[ \t]*,[ \t]*([^""\s]+)[ \t]*"".*$", RegexOptions.Multiline)]
    private static partial Regex NuGetReference();

    [GeneratedRegex(@"^#{1,2} (.+)$", RegexOptions.Multiline)]
    private static partial Regex HeadingLine();

    // "   1. ", "- ", "  * " or plain indentation: where a wrapped item's text continues.
    [GeneratedRegex(@"^\s*(\d+\. |[-*] )?")]
    private static partial Regex ListIndent();
}
