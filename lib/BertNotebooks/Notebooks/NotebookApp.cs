using System.Runtime.CompilerServices;
using BertNotebooks.Display;
using BertNotebooks.Native;
using BertNotebooks.Recipe;

namespace BertNotebooks.Notebooks;

/// <summary>
/// What a notebook exported as a file-based app (notebooks/apps/NN-name.cs) needs besides its cells: the notebook's working
/// directory, its parameters from the command line (<c>--learning-rate 3e-5</c> sets <c>learningRate</c>), and errors
/// printed as one line. <see cref="Run"/> returns the exit code, as the kit's other programs: 0, 1 for a failure, 2 for a
/// usage error; it never ends the process itself.
/// </summary>
public sealed class NotebookApp
{
    readonly Dictionary<string, string> _values;
    string? _profile, _runName;

    public string Name { get; }

    NotebookApp(string name, Dictionary<string, string> values) => (Name, _values) = (name, values);

    /// <summary>
    /// Reads <paramref name="args"/> against the parameters cell's names, then runs <paramref name="cells"/> in the notebooks
    /// folder, which <paramref name="sourceFile"/> (the app's own path, filled in by the compiler) locates: the notebooks'
    /// relative paths and <c>profile.txt</c> then work whether the app is started from the repository root or from
    /// notebooks/apps/. The working folder is restored afterwards. Returns the exit code: 0; 1 when a cell fails (one line,
    /// the stack trace with <c>--verbose</c>); 2 for a bad command line; 0 after <c>--help</c>.
    /// </summary>
    public static int Run(string[] args, IReadOnlyList<string> parameters, Action<NotebookApp> cells,
        [CallerFilePath] string sourceFile = "")
    {
        var name = Path.GetFileNameWithoutExtension(sourceFile);
        var startedIn = Directory.GetCurrentDirectory();
        try
        {
            if (Parse(name, args, parameters) is not { } values) return 0; // --help
            TorchNative.EnsureLoaded();
            // A dataset path typed on the command line is relative to where the app was started, as in bertnb-run.
            if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("BERTNB_WORKING_DIR")))
                Environment.SetEnvironmentVariable("BERTNB_WORKING_DIR", startedIn);
            Directory.SetCurrentDirectory(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(sourceFile)!, "..")));
            ConsoleDisplay.ChartsPrefix = name;
            ConsoleDisplay.OpenCharts = args.Contains("--open");
            Console.WriteLine($"{name}: notebooks/{name}.ipynb as a console app. " +
                $"Charts are written as HTML files{(ConsoleDisplay.OpenCharts ? " and opened" : " (--open opens them)")}.");
            cells(new NotebookApp(name, values));
            return 0;
        }
        catch (UsageException e)
        {
            Console.Out.Flush();
            Console.Error.WriteLine(e.Message);
            return 2;
        }
        catch (Exception e)
        {
            Console.Out.Flush();
            Console.Error.WriteLine(args.Contains("--verbose")
                ? $"{name} failed: {e}"
                : $"{name} failed: {e.Message} (--verbose for the stack trace)");
            return 1;
        }
        finally
        {
            Directory.SetCurrentDirectory(startedIn);
        }
    }

    /// <summary>The command line's value for the parameter, typed as the notebook declares it, else the notebook's own.</summary>
    public T Parameter<T>(string name, T declared)
    {
        var value = _values.TryGetValue(name, out var text) ? Convert<T>(name, text) : declared;
        if (name is "profile" or "runName")
        {
            (_profile, _runName) = name == "profile" ? (value as string, _runName) : (_profile, value as string);
            // The charts go with the run's other files; a bad profile is left for the notebook's own cell to report.
            try
            {
                var folder = string.IsNullOrWhiteSpace(_runName) ? RunSettings.For(SeriesProfile.Resolve(_profile).Profile).Profile : _runName;
                ConsoleDisplay.ChartsDir = Path.Combine(BertPaths.RunDir(folder), "charts");
            }
            catch (ArgumentException) { }
        }
        return value;
    }

    /// <summary>The text typed as <typeparamref name="T"/> by <see cref="TypedValue"/>, the parser of bertnb's options and
    /// bertnb-run's <c>-p</c>; a usage error naming the option and the type where it does not read as one.</summary>
    internal static T Convert<T>(string name, string text) =>
        TypedValue.TryParse(typeof(T), text, out var value) ? (T)value!
            : throw new UsageException($"--{Kebab(name)} expects {TypedValue.Describe(typeof(T))}, not '{text}'.");

    /// <summary>The parameters' values by name; null after <c>--help</c>, which prints the usage.</summary>
    static Dictionary<string, string>? Parse(string app, string[] args, IReadOnlyList<string> parameters)
    {
        var byOption = parameters.ToDictionary(p => Kebab(p), p => p);
        var usage = $"usage: dotnet run notebooks/apps/{app}.cs -- [--open] [--verbose] " +
            $"{string.Join(' ', parameters.Select(p => $"[--{Kebab(p)} VALUE]"))}";
        var values = new Dictionary<string, string>();
        for (int i = 0; i < args.Length; i++)
        {
            var (option, inline) = args[i].Split('=', 2) is [var o, var v] ? (o, v) : (args[i], null);
            if (option is "--help" or "-h")
            {
                Console.WriteLine(usage + "\n(the notebook's parameters cell; null means the profile's value)");
                return null;
            }
            if (option is "--open" or "--verbose") continue;
            if (!option.StartsWith("--", StringComparison.Ordinal) || !byOption.TryGetValue(option[2..], out var name))
                throw new UsageException($"unknown option '{args[i]}'.\n{usage}");
            values[name] = inline ?? (i + 1 < args.Length ? args[++i] : throw new UsageException($"{option} needs a value."));
        }
        return values;
    }

    /// <summary>A command line the app cannot read: its message is all the user needs (exit code 2).</summary>
    sealed class UsageException(string message) : Exception(message);

    /// <summary>learningRate (or LearningRate) → learning-rate: the command-line spelling of a parameter or a setting.</summary>
    public static string Kebab(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0
            ? "-" + char.ToLowerInvariant(c)
            : char.ToLowerInvariant(c).ToString()));
}
