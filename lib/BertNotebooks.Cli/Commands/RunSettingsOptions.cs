using System.CommandLine;
using System.CommandLine.Parsing;
using System.Reflection;
using BertNotebooks.Hosting;
using BertNotebooks.Notebooks;
using BertNotebooks.Recipe;

namespace BertNotebooks.Cli.Commands;

/// <summary>
/// One option per <see cref="RunSettings"/> property, named after it (<c>MaxLength</c> → <c>--max-length</c>), so that the
/// CLI, the notebooks and the runner's <c>-p</c> share one set of names and one set of defaults: the run's record, else
/// the profile's. A property added to RunSettings is an option here without further code.
/// </summary>
public sealed class RunSettingsOptions
{
    readonly List<(PropertyInfo Property, Option Option, Func<ParseResult, object?> Value)> _bound = [];

    public Option<string> Profile { get; } = CommandLineHost.Defaulted("--profile", "The starting settings", "full")
        .Check(value => CommandLineHost.OneOf("--profile", "a profile", value, RunSettings.Profiles));

    public RunSettingsOptions()
    {
        foreach (var property in RunParameters.Settings.Where(p => p.Name != nameof(RunSettings.Profile)))
        {
            var (name, description, aliases) = (OptionName(property.Name), Describe(property), Array.Empty<string>());
            var (option, value) = Nullable.GetUnderlyingType(property.PropertyType) is null
                ? ((Option, Func<ParseResult, object?>))typeof(RunSettingsOptions)
                    .GetMethod(nameof(Typed), BindingFlags.NonPublic | BindingFlags.Static)!
                    .MakeGenericMethod(property.PropertyType).Invoke(null, [name, description, aliases])!
                : NullableOption(property.PropertyType, name, description, aliases);
            _bound.Add((property, option, value));
        }
    }

    static (Option, Func<ParseResult, object?>) Typed<T>(string name, string description, string[] aliases)
    {
        var option = CommandLineHost.Typed<T>(name, description, aliases);
        return (option, result => result.GetValue(option));
    }

    /// <summary>A nullable setting (MaxTrainDocs) takes "none" for null: read as text, checked and converted here.</summary>
    static (Option, Func<ParseResult, object?>) NullableOption(Type type, string name, string description, string[] aliases)
    {
        var option = CommandLineHost.Typed<string>(name, description + " (none: no limit)", aliases)
            .Check(text => TypedValue.TryParse(type, text, out _) ? null : $"{name} expects {TypedValue.Describe(type)}, not '{text}'.");
        return (option, result => TypedValue.TryParse(type, result.GetValue(option)!, out var value) ? value : null);
    }

    public IEnumerable<Option> All => _bound.Select(b => b.Option).Prepend(Profile);

    /// <summary>
    /// The settings of the run the command line names (<c>--run-name</c>, else <paramref name="defaultRunName"/> of the
    /// profile): its record (run.json) or the profile's, with every option given on the command line over them by name
    /// (<see cref="RunSettings.Open"/>: an option that contradicts the record is an error).
    /// </summary>
    public RunSettings Bind(ParseResult result, bool resume = true, bool startsRun = false, Func<string, string?>? defaultRunName = null)
    {
        var given = _bound.Where(b => result.GetResult(b.Option) is OptionResult { Implicit: false })
            .Select(b => KeyValuePair.Create(b.Property.Name, b.Value(result))).ToList();
        var profile = result.GetValue(Profile)!;
        var runName = given.FirstOrDefault(g => g.Key == nameof(RunSettings.RunName)).Value as string ?? defaultRunName?.Invoke(profile);
        return RunSettings.Open(profile, runName, given.Where(g => g.Key != nameof(RunSettings.RunName)), resume, startsRun);
    }

    /// <summary>MaxLength → --max-length.</summary>
    public static string OptionName(string propertyName) => "--" + NotebookApp.Kebab(propertyName);

    /// <summary>
    /// The property's name and its default in each profile, e.g. "RunSettings.MaxLength [smoke 64, quick 128, full 512]".
    /// </summary>
    static string Describe(PropertyInfo property)
    {
        var defaults = RunSettings.Profiles.Select(p => (Profile: p, Value: RunParameters.Format(property.GetValue(RunSettings.For(p))))).ToList();
        var shown = defaults.Select(d => d.Value).Distinct().Count() == 1
            ? $"default {defaults[0].Value}"
            : string.Join(", ", defaults.Select(d => $"{d.Profile} {d.Value}"));
        return $"RunSettings.{property.Name} [{shown}]";
    }

}
