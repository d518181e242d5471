namespace BertNotebooks.Cli;

/// <summary><c>--name value</c> and <c>--flag</c> options, read by name, with clear errors for bad values.</summary>
public sealed class CliArguments
{
    readonly Dictionary<string, string?> _options = new(StringComparer.OrdinalIgnoreCase);

    public CliArguments(IEnumerable<string> args)
    {
        var list = args.ToList();
        for (int i = 0; i < list.Count; i++)
        {
            if (!list[i].StartsWith("--", StringComparison.Ordinal))
                throw new ArgumentException($"Unexpected argument '{list[i]}'. Options look like --name value.");
            var name = list[i][2..];
            var eq = name.IndexOf('=');
            if (eq >= 0) { _options[name[..eq]] = name[(eq + 1)..]; continue; }
            _options[name] = i + 1 < list.Count && !list[i + 1].StartsWith("--", StringComparison.Ordinal) ? list[++i] : null;
        }
    }

    public bool Has(string name) => _options.ContainsKey(name);
    public string? String(string name, string? fallback = null) => _options.TryGetValue(name, out var v) ? v ?? fallback : fallback;
    public int Int(string name, int fallback) => Parse(name, fallback, int.TryParse);
    public double Double(string name, double fallback) => Parse(name, fallback, (string s, out double v) => double.TryParse(s, System.Globalization.CultureInfo.InvariantCulture, out v));

    delegate bool TryParser<T>(string s, out T value);

    T Parse<T>(string name, T fallback, TryParser<T> parse)
    {
        if (!_options.TryGetValue(name, out var raw) || raw is null) return fallback;
        return parse(raw, out var value) ? value : throw new ArgumentException($"--{name} expects a {typeof(T).Name}, not '{raw}'.");
    }
}
