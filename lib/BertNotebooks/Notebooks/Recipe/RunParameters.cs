using System.Globalization;
using System.Reflection;

namespace BertNotebooks.Recipe;

/// <summary>
/// Values given for a run's settings, by name: a notebook's parameters (<c>new { maxLength, learningRate }</c>, named as
/// its parameters cell names them) or the CLI's options. Each name is a <see cref="RunSettings"/> property in another
/// case (<c>maxLength</c> is <see cref="RunSettings.MaxLength"/>). A notebook's null or empty value is one not given; the
/// CLI's options are given as name-value pairs, where null is a value (<c>--max-train-docs none</c>).
/// </summary>
public sealed class RunParameters
{
    /// <summary>The settings a run has, by name: every <see cref="RunSettings"/> property with a public setter.</summary>
    public static readonly IReadOnlyList<PropertyInfo> Settings =
        [.. typeof(RunSettings).GetProperties().Where(p => p.SetMethod is { IsPublic: true })];

    public IReadOnlyList<(PropertyInfo Setting, object? Value)> Given { get; }

    RunParameters(IReadOnlyList<(PropertyInfo, object?)> given) => Given = given;

    public static RunParameters None { get; } = new([]);

    /// <summary>The properties of <paramref name="parameters"/> (an anonymous object), those that are set.</summary>
    public static RunParameters From(object? parameters) => parameters switch
    {
        null => None,
        RunParameters given => given,
        IEnumerable<KeyValuePair<string, object?>> pairs => FromPairs(pairs, nullIsGiven: true),
        _ => FromPairs(parameters.GetType().GetProperties().Select(p => KeyValuePair.Create(p.Name, p.GetValue(parameters))),
            nullIsGiven: false),
    };

    static RunParameters FromPairs(IEnumerable<KeyValuePair<string, object?>> pairs, bool nullIsGiven)
    {
        var given = new List<(PropertyInfo, object?)>();
        foreach (var (name, value) in pairs)
        {
            var setting = Settings.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase))
                ?? throw new ArgumentException($"'{name}' is not a run setting; the settings are " +
                    $"{string.Join(", ", Settings.Select(s => Camel(s.Name)))}.", nameof(pairs));
            if (value is null && !nullIsGiven || value is string text && string.IsNullOrWhiteSpace(text)) continue;
            var type = Nullable.GetUnderlyingType(setting.PropertyType) ?? setting.PropertyType;
            given.Add((setting, value is null || type.IsInstanceOfType(value) ? value
                : Convert.ChangeType(value, type, CultureInfo.InvariantCulture)));
        }
        return new RunParameters(given);
    }

    /// <summary>MaxLength → maxLength: the notebooks' spelling of a setting.</summary>
    public static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];

    /// <summary>The value's text as a user typed it: invariant numbers, lower-case booleans, "none" for null.</summary>
    public static string Format(object? value) => value switch
    {
        null => "none",
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
