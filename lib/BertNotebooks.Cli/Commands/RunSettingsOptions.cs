using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Reflection;
using BertNotebooks.Hosting;
using BertNotebooks.Recipe;

namespace BertNotebooks.Cli.Commands;

/// <summary>
/// One option per <see cref="RunSettings"/> property, named after it (<c>MaxLength</c> → <c>--max-length</c>), so that the
/// CLI, the notebooks and the runner's <c>-p</c> share one set of names and one set of defaults: the profile's.
/// A property added to RunSettings is an option here without further code.
/// </summary>
sealed class RunSettingsOptions
{
    /// <summary>Shorter spellings that earlier versions of the CLI documented.</summary>
    static readonly Dictionary<string, string[]> Aliases = new() { [nameof(RunSettings.Dataset)] = ["--data"], [nameof(RunSettings.LearningRate)] = ["--lr"] };

    readonly List<(PropertyInfo Property, Option Option)> _bound = [];

    public Option<string> Profile { get; } = new("--profile")
    {
        Description = $"The starting settings: {string.Join(", ", RunSettings.Profiles)}",
        DefaultValueFactory = _ => "full",
    };

    public RunSettingsOptions()
    {
        Profile.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (!RunSettings.Profiles.Contains(value))
                result.AddError($"--profile '{value}' is not a profile; use {string.Join(", ", RunSettings.Profiles)}" +
                    (Spelling.Closest(value, RunSettings.Profiles) is { } closest ? $" (did you mean '{closest}'?)." : "."));
        });
        var typed = typeof(CommandLineHost).GetMethod(nameof(CommandLineHost.Typed))!;
        foreach (var property in typeof(RunSettings).GetProperties().Where(p => p.SetMethod is { IsPublic: true } && p.Name != nameof(RunSettings.Profile)))
        {
            var aliases = Aliases.GetValueOrDefault(property.Name, []);
            var option = (Option)typed.MakeGenericMethod(property.PropertyType).Invoke(null, [OptionName(property.Name), Describe(property), aliases])!;
            _bound.Add((property, option));
        }
    }

    public IEnumerable<Option> All => _bound.Select(b => b.Option).Prepend(Profile);

    /// <summary>The profile's settings with every option given on the command line set by name.</summary>
    public RunSettings Bind(ParseResult result)
    {
        var run = RunSettings.For(result.GetValue(Profile)!) with { };
        foreach (var (property, option) in _bound)
            if (result.GetResult(option) is OptionResult { Implicit: false } given)
                property.SetValue(run, given.GetValueOrDefault<object?>());
        return run;
    }

    /// <summary>MaxLength → --max-length.</summary>
    public static string OptionName(string propertyName) =>
        "--" + string.Concat(propertyName.Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    /// <summary>The property's name and its default in each profile, e.g. "RunSettings.MaxLength [smoke 64, quick 128, full 512]".</summary>
    static string Describe(PropertyInfo property)
    {
        var defaults = RunSettings.Profiles.Select(p => (Profile: p, Value: Format(property.GetValue(RunSettings.For(p))))).ToList();
        var shown = defaults.Select(d => d.Value).Distinct().Count() == 1
            ? $"default {defaults[0].Value}"
            : string.Join(", ", defaults.Select(d => $"{d.Profile} {d.Value}"));
        return $"RunSettings.{property.Name} [{shown}]";
    }

    static string Format(object? value) => value switch
    {
        null => "none",
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString()!,
    };
}
