using System.CommandLine;
using BertNotebooks.Cli.Apps;
using BertNotebooks.Hosting;

namespace BertNotebooks.Cli.Commands;

/// <summary>
/// <c>bertnb export-apps</c>: regenerates notebooks/apps/*.cs from the notebooks (see <see cref="NotebookAppExporter"/>).
/// Run it after changing a notebook; <c>--check</c> only reports the apps that differ, for scripts.
/// </summary>
public sealed class ExportAppsCommand : ICliCommand
{
    readonly Option<string?> _notebooks = CommandLineHost.Typed<string?>("--notebooks",
        "The notebooks folder (default: notebooks/ of this checkout)");
    readonly Option<bool> _check = CommandLineHost.Typed<bool>("--check", "Write nothing; exit 1 when an app differs from its notebook");

    public Command Create()
    {
        var command = new Command("export-apps",
            "Turn each notebook into notebooks/apps/NN-name.cs, a .NET 10 file-based app") { _notebooks, _check };
        command.SetAction((result, _) => Task.FromResult(Run(result)));
        return command;
    }

    int Run(ParseResult args)
    {
        var notebooks = args.GetValue(_notebooks) is { } dir ? BertPaths.UserPath(dir)
            : Path.Combine(BertPaths.RepositoryRoot ?? throw new InvalidOperationException("Not inside a BertNotebooks checkout; " +
                "pass --notebooks DIR."), "notebooks");
        var stale = 0;
        foreach (var app in NotebookAppExporter.ExportAll(notebooks))
        {
            if (app.IsCurrent) continue;
            stale++;
            if (args.GetValue(_check))
            {
                Console.WriteLine($"{Path.GetFileName(app.Path)} differs from {Path.GetFileName(app.Notebook)}");
                continue;
            }
            Directory.CreateDirectory(Path.GetDirectoryName(app.Path)!);
            IO.AtomicFile.WriteAllText(app.Path, app.Text);
            Console.WriteLine($"wrote {Path.GetRelativePath(Directory.GetCurrentDirectory(), app.Path)}");
        }
        if (stale == 0) Console.WriteLine("The apps are up to date.");
        return args.GetValue(_check) && stale > 0 ? CommandLineHost.Failure : CommandLineHost.Success;
    }
}
