using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;

namespace BertNotebooks.Hosting;

/// <summary>
/// What <c>bertnb</c> and <c>bertnb-run</c> share around System.CommandLine: <c>--help</c>, <c>--version</c> and
/// <c>--verbose</c> on every command; usage errors in one line that names the option and the closest valid spelling,
/// exit 2; expected failures in one or two lines, exit 1, the stack trace only with <c>--verbose</c>.
/// </summary>
public static class CommandLineHost
{
    public const int Success = 0, Failure = 1, UsageError = 2, Interrupted = 130;

    /// <summary>On every command: print the stack trace of a failure, not just its message.</summary>
    public static readonly Option<bool> Verbose = new("--verbose")
    {
        Description = "On failure, print the stack trace too", Recursive = true
    };

    /// <summary>
    /// A root command whose <c>--version</c> and <c>--verbose</c> work after any subcommand, and that shows help when called bare.
    /// </summary>
    public static RootCommand Root(string description, IEnumerable<Command> commands)
    {
        var root = new RootCommand(description);
        foreach (var command in commands) root.Add(command);
        root.Add(Verbose);
        foreach (var version in root.Options.OfType<VersionOption>()) version.Recursive = true;
        if (root.Subcommands.Count > 0) root.SetAction(result => new HelpAction().Invoke(result));
        return root;
    }

    /// <summary>An option whose bad values are reported as "--name expects a number (double), not 'abc'".</summary>
    public static Option<T> Typed<T>(string name, string description, params string[] aliases)
    {
        var option = new Option<T>(name, aliases) { Description = description };
        if (typeof(T) != typeof(bool)) // a flag: present or not, System.CommandLine reads it
            option.CustomParser = result =>
            {
                var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
                // A parser cannot hand System.CommandLine a null, so "none" is no value here: leaving the option out is.
                if (TypedValue.TryParse(typeof(T), text, out var value) && value is not null) return (T)value;
                result.AddError($"{name} expects {TypedValue.Describe(Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T))}, not '{text}'.");
                return default!;
            };
        return option;
    }

    /// <summary>
    /// Adds a rule to a <see cref="Typed{T}"/> option: <paramref name="problem"/> returns the message for a value that parses
    /// but is not allowed, or null. (A validator would see a value that failed to parse, and throw.)
    /// </summary>
    public static Option<T> Check<T>(this Option<T> option, Func<T, string?> problem)
    {
        var parse = option.CustomParser
            ?? throw new InvalidOperationException($"{option.Name} has no parser to check after; make it with Typed.");
        option.CustomParser = result =>
        {
            var value = parse(result);
            if (!result.Errors.Any() && problem(value!) is { } message) result.AddError(message);
            return value;
        };
        return option;
    }

    /// <summary>
    /// "--profile 'quik' is not a profile; use smoke, quick, full (did you mean 'quick'?)." for a value not among
    /// <paramref name="allowed"/>.
    /// </summary>
    public static string? OneOf(string option, string what, string? value, IReadOnlyList<string> allowed) =>
        value is null || allowed.Contains(value) ? null
            : $"{option} '{value}' is not {what}; use {string.Join(", ", allowed)}{DidYouMean(value, allowed)}.";

    /// <summary>A <see cref="Typed{T}"/> option with a default value, shown in the help.</summary>
    public static Option<T> Defaulted<T>(string name, string description, T defaultValue)
    {
        var option = Typed<T>(name, description);
        option.DefaultValueFactory = _ => defaultValue;
        return option;
    }

    /// <summary>
    /// Parses, then runs the chosen command; returns the process exit code. <paramref name="program"/> names the program in messages.
    /// </summary>
    public static async Task<int> InvokeAsync(RootCommand root, string program, IReadOnlyList<string> args, TextWriter output,
        TextWriter error, CancellationToken cancel = default)
    {
        var parsed = root.Parse(args);
        var verbose = parsed.GetValue(Verbose);
        if ((parsed.Errors.Count > 0 || UnknownOption(parsed) is not null) && parsed.Action is not { ClearsParseErrors: true })
        {
            error.WriteLine($"error: {DescribeUsageError(parsed, program)}");
            return UsageError;
        }
        try
        {
            // Signals are the caller's (Interrupts): the trainer needs longer than a fixed timeout to save its checkpoint.
            var configuration = new InvocationConfiguration
            {
                Output = output, Error = error, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null
            };
            return await parsed.InvokeAsync(configuration, cancel);
        }
        catch (Exception e)
        {
            return ReportFailure(e, error, verbose);
        }
    }

    /// <summary>
    /// One line: the first problem, the closest valid spelling when the user mistyped a name, and where the options are listed.
    /// </summary>
    public static string DescribeUsageError(ParseResult parsed, string program)
    {
        var commandResult = parsed.CommandResult;
        var usage = string.Join(" ", CommandChain(commandResult).Select(c => c is RootCommand ? program : c.Name));
        var listed = $"'{usage} --help' lists " +
            $"{(commandResult.Command.Subcommands.Count > 0 && commandResult.Command is RootCommand ? "the commands" : "the options")}.";
        if ((UnknownOption(parsed) ?? parsed.UnmatchedTokens.FirstOrDefault()) is { } token)
        {
            if (token.StartsWith('-'))
            {
                var name = token.Split('=')[0];
                var options = CommandChain(commandResult).SelectMany(c => c.Options.Where(o => c == commandResult.Command || o.Recursive))
                    .SelectMany(o => o.Aliases.Prepend(o.Name));
                return $"unknown option '{name}' for '{usage}'{DidYouMean(name, options)}. {listed}";
            }
            var commands = commandResult.Command.Subcommands.Select(c => c.Name);
            return $"unexpected argument '{token}' for '{usage}'{DidYouMean(token, commands)}. {listed}";
        }
        var message = parsed.Errors[0].Message.ReplaceLineEndings(" ").Replace("\t", "");
        return $"{message} {listed}";
    }

    /// <summary>
    /// A token that looks like an option but matched none: unmatched, or taken as a positional argument (a command that
    /// takes file names would otherwise read "--outptu" as one). Negative numbers are values, not options.
    /// </summary>
    static string? UnknownOption(ParseResult parsed) =>
        parsed.UnmatchedTokens.Concat(parsed.CommandResult.Children.OfType<ArgumentResult>().SelectMany(a => a.Tokens.Select(t => t.Value)))
            .FirstOrDefault(t => t.Length > 1 && t.StartsWith('-')
                && !double.TryParse(t, System.Globalization.CultureInfo.InvariantCulture, out _));

    static string DidYouMean(string typed, IEnumerable<string> candidates) =>
        Spelling.Closest(typed, candidates) is { } closest ? $" (did you mean '{closest}'?)" : "";

    /// <summary>The root command first, then each subcommand down to this one.</summary>
    static IEnumerable<Command> CommandChain(CommandResult result)
    {
        var chain = new List<Command>();
        for (SymbolResult? r = result; r is not null; r = r.Parent)
            if (r is CommandResult c) chain.Insert(0, c.Command);
        return chain;
    }

    /// <summary>
    /// Expected failures (bad input, missing or unreadable files, a full disk) in one or two lines; anything else also
    /// says it is unexpected. The stack trace only with <c>--verbose</c>.
    /// </summary>
    public static int ReportFailure(Exception e, TextWriter error, bool verbose)
    {
        if (e is OperationCanceledException)
        {
            error.WriteLine("Stopped.");
            return Interrupted;
        }
        var (code, hint) = e switch
        {
            ArgumentException or FormatException => (UsageError, null),
            UnauthorizedAccessException =>
                (Failure, "Choose a folder you can write to (for data: BERTNB_DATA_DIR), or change its permissions."),
            IOException or InvalidDataException or InvalidOperationException or NotSupportedException or System.Text.Json.JsonException =>
                (Failure, null),
            _ => (Failure, $"This was not expected ({e.GetType().Name}); run again with --verbose and report the stack trace."),
        };
        error.WriteLine($"error: {e.Message}");
        if (hint is not null) error.WriteLine(hint);
        if (verbose) error.WriteLine(e);
        return code;
    }
}
