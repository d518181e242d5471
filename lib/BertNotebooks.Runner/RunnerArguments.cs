namespace BertNotebooks.Runner;

/// <summary>The command line: <c>bertnb-run [notebook ...] [-p name=value ...] [--profile NAME] [--output DIR] [--notebooks DIR] [--html]</c>.</summary>
public sealed record RunnerArguments(
    IReadOnlyList<string> Notebooks,
    IReadOnlyList<NotebookParameter> Parameters,
    string? Profile,
    string NotebooksDir,
    string OutputDir,
    bool Html,
    bool Help)
{
    public const string Usage = """
        bertnb-run: executes the notebooks in this process and saves them with their outputs.

        Usage: bertnb-run [notebook ...] [options]
          notebook            a name in the notebooks folder (01-data) or a path; none = all *.ipynb there, in order
          -p, --parameter N=V assign N = V after the cell tagged 'parameters' (V typed as int, double, bool or string)
          --profile NAME      the same as -p profile=NAME (smoke, quick, full)
          --html              also write a self-contained HTML page per notebook (charts render offline)
          --output DIR        where executed notebooks go (default: artifacts/notebooks)
          --notebooks DIR     the notebooks folder (default: notebooks)

        Exit code: 0 all ran, 1 a cell failed, 2 bad arguments or notebooks.
        """;

    public static RunnerArguments Parse(IReadOnlyList<string> args, string repositoryRoot)
    {
        var notebooks = new List<string>();
        var parameters = new List<NotebookParameter>();
        string? profile = null;
        var notebooksDir = Path.Combine(repositoryRoot, "notebooks");
        var outputDir = Path.Combine(repositoryRoot, "artifacts", "notebooks");
        bool html = false, help = false;
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"Option '{args[i]}' needs a value. {UsageHint}");
            switch (args[i])
            {
                case "-p" or "--parameter": parameters.Add(NotebookParameter.Parse(Value())); break;
                case "--profile": profile = Value(); break;
                case "--output": outputDir = Path.GetFullPath(Value()); break;
                case "--notebooks": notebooksDir = Path.GetFullPath(Value()); break;
                case "--html": html = true; break;
                case "-h" or "--help": help = true; break;
                case var option when option.StartsWith('-'): throw new ArgumentException($"Unknown option '{option}'. {UsageHint}");
                case var notebook: notebooks.Add(notebook); break;
            }
        }
        return new RunnerArguments(notebooks, ParameterInjector.WithProfile(parameters, profile), profile, notebooksDir, outputDir, html, help);
    }

    const string UsageHint = "Run 'bertnb-run --help' for the options.";

    /// <summary>The checkout: the nearest folder up from the working directory that holds BertNotebooks.sln, else the working directory.</summary>
    public static string FindRepositoryRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "BertNotebooks.sln"))) return dir.FullName;
        return start;
    }
}
