using System.Globalization;
using System.Runtime.CompilerServices;
using BertNotebooks.Display;
using BertNotebooks.Native;
using BertNotebooks.Recipe;

namespace BertNotebooks.Notebooks;

/// <summary>
/// What a notebook exported as a file-based app (notebooks/apps/NN-name.cs) needs besides its cells: the notebook's working
/// directory, its parameters from the command line (<c>--learning-rate 3e-5</c> sets <c>learningRate</c>), and errors
/// printed as one line. Usage errors exit 2, failures 1, as the kit's other programs.
/// </summary>
public sealed class NotebookApp
{
    readonly Dictionary<string, string> _values;
    string? _profile, _runName;

    public string Name { get; }

    NotebookApp(string name, Dictionary<string, string> values) => (Name, _values) = (name, values);

    /// <summary>
    /// Reads <paramref name="args"/> against the parameters cell's names and moves to the notebooks folder, which
    /// <paramref name="sourceFile"/> (the app's own path, filled in by the compiler) locates: the notebooks' relative paths
    /// and <c>profile.txt</c> then work whether the app is started from the repository root or from notebooks/apps/.
    /// </summary>
    public static NotebookApp Start(string[] args, IReadOnlyList<string> parameters, [CallerFilePath] string sourceFile = "")
    {
        var name = Path.GetFileNameWithoutExtension(sourceFile);
        var verbose = args.Contains("--verbose");
        AppDomain.CurrentDomain.UnhandledException += (_, e) =>
        {
            Console.Out.Flush();
            Console.Error.WriteLine(verbose
                ? $"{name} failed: {e.ExceptionObject}"
                : $"{name} failed: {(e.ExceptionObject as Exception)?.Message} (--verbose for the stack trace)");
            Environment.Exit(1);
        };
        var values = Parse(name, args, parameters);
        TorchNative.EnsureLoaded();
        // A dataset path typed on the command line is relative to where the app was started, as in bertnb-run.
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("BERTNB_WORKING_DIR")))
            Environment.SetEnvironmentVariable("BERTNB_WORKING_DIR", Directory.GetCurrentDirectory());
        Directory.SetCurrentDirectory(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(sourceFile)!, "..")));
        ConsoleDisplay.ChartsPrefix = name;
        ConsoleDisplay.OpenCharts = args.Contains("--open");
        Console.WriteLine($"{name}: notebooks/{name}.ipynb as a console app. " +
            $"Charts are written as HTML files{(ConsoleDisplay.OpenCharts ? " and opened" : " (--open opens them)")}.");
        return new NotebookApp(name, values);
    }

    /// <summary>The command line's value for the parameter, typed as the notebook declares it, else the notebook's own.</summary>
    public T Parameter<T>(string name, T declared)
    {
        var value = _values.TryGetValue(name, out var text) ? Convert<T>(name, text) : declared;
        if (name is "profile" or "runName")
        {
            (_profile, _runName) = name == "profile" ? (value as string, _runName) : (_profile, value as string);
            // The charts go with the run's other files; a bad profile is left for the notebook's own cell to report.
            try { ConsoleDisplay.ChartsDir = Path.Combine(RunSettings.ForSeries(_profile).With(runName: _runName).RunDir, "charts"); }
            catch (ArgumentException) { }
        }
        return value;
    }

    T Convert<T>(string name, string text)
    {
        var type = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        if (text == "null" && (!typeof(T).IsValueType || type != typeof(T))) return default!;
        try { return (T)System.Convert.ChangeType(text, type, CultureInfo.InvariantCulture); }
        catch (Exception e) when (e is FormatException or InvalidCastException or OverflowException)
        {
            return Fail<T>($"--{Kebab(name)} must be " +
                $"{(type == typeof(double) ? "a number" : type == typeof(int) ? "an integer" : type.Name.ToLowerInvariant())}, " +
                $"not '{text}'.");
        }
    }

    static Dictionary<string, string> Parse(string app, string[] args, IReadOnlyList<string> parameters)
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
                Environment.Exit(0);
            }
            if (option is "--open" or "--verbose") continue;
            if (!option.StartsWith("--", StringComparison.Ordinal) || !byOption.TryGetValue(option[2..], out var name))
                Fail<int>($"unknown option '{args[i]}'.\n{usage}");
            else values[name] = inline ?? (i + 1 < args.Length ? args[++i] : Fail<string>($"{option} needs a value."));
        }
        return values;
    }

    static T Fail<T>(string message)
    {
        Console.Error.WriteLine(message);
        Environment.Exit(2);
        return default!;
    }

    /// <summary>learningRate (or LearningRate) → learning-rate: the command-line spelling of a parameter or a setting.</summary>
    public static string Kebab(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0
            ? "-" + char.ToLowerInvariant(c)
            : char.ToLowerInvariant(c).ToString()));
}
