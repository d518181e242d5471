using System.Globalization;
using System.Text.Json;
using BertNotebooks.Hosting;
using BertNotebooks.Notebooks;
using Microsoft.CodeAnalysis.CSharp;

namespace BertNotebooks.Runner;

/// <summary>
/// One papermill-style parameter, <c>-p name=value</c> or an entry of <c>-f params.json</c>, as text. It becomes a C#
/// assignment typed by the notebook: the type its <c>parameters</c> cell declares (<see cref="ParameterDeclaration"/>), so
/// that <c>runName=2024</c> stays a string where runName is a string. A null <see cref="Value"/> is C#'s null.
/// </summary>
public sealed record NotebookParameter(string Name, string? Value)
{
    /// <summary>Parses <c>name=value</c> as typed on the command line.</summary>
    public static NotebookParameter Parse(string nameEqualsValue)
    {
        var equals = nameEqualsValue.IndexOf('=');
        if (equals <= 0)
            throw new ArgumentException($"Parameter '{nameEqualsValue}' is not name=value; write it like -p maxLength=128.");
        return From(nameEqualsValue[..equals].Trim(), nameEqualsValue[(equals + 1)..]);
    }

    public static NotebookParameter From(string name, string? value)
    {
        if (!SyntaxFacts.IsValidIdentifier(name) || SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None)
            throw new ArgumentException($"Parameter name '{name}' is not a C# variable name; " +
                "use the name the notebook's parameters cell declares.");
        return new NotebookParameter(name, value);
    }

    /// <summary>
    /// Reads a JSON object of parameters, as papermill's <c>-f</c>: <c>{"maxLength": 128, "runName": "2024", "seed": null}</c>.
    /// Numbers and booleans are taken as their text and typed by the notebook like <c>-p</c> values.
    /// </summary>
    public static IReadOnlyList<NotebookParameter> ReadFile(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Parameters file '{Path.GetFullPath(path)}' does not exist.", path);
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllText(path));
            if (json.RootElement.ValueKind != JsonValueKind.Object)
                throw new ArgumentException($"Parameters file '{path}' must hold one JSON object, like {{\"maxLength\": 128}}.");
            return [.. json.RootElement.EnumerateObject().Select(p => From(p.Name, p.Value.ValueKind switch
            {
                JsonValueKind.String => p.Value.GetString(),
                JsonValueKind.Number => p.Value.GetRawText(),
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                JsonValueKind.Null => null,
                _ =>
                    throw new ArgumentException($"Parameters file '{path}': '{p.Name}' is {p.Value.ValueKind}; " +
                        "use a string, a number, true, false or null."),
            }))];
        }
        catch (JsonException e)
        {
            throw new ArgumentException($"Parameters file '{path}' is not valid JSON: {e.Message}", e);
        }
    }

    /// <summary>
    /// The assignment for a variable declared as <paramref name="declaration"/>, or an error naming the parameter and the type.
    /// </summary>
    public string AssignmentFor(ParameterDeclaration declaration)
    {
        var type = declaration.Type
            ?? throw new ArgumentException($"{declaration.Notebook}'s parameters cell declares '{declaration.Declaration}'; " +
                "-p sets only int, long, double, float, bool and string parameters (and their nullable forms).");
        string literal;
        if (Value is null)
        {
            if (type.IsValueType && Nullable.GetUnderlyingType(type) is null)
                throw new ArgumentException($"{Name} cannot be null: {declaration.Notebook} declares it as {declaration.Declaration}.");
            literal = "null";
        }
        else if (!TypedValue.TryParse(type, Value, out var value))
            throw new ArgumentException($"{Name} must be {TypedValue.Describe(type)}, " +
                $"not '{Value}' ({declaration.Notebook} declares it as {declaration.Declaration}).");
        else literal = Literal(value);
        return $"{Name} = {literal};";
    }

    static string Literal(object? value) => value switch
    {
        null => "null",
        string s => SymbolDisplay.FormatLiteral(s, quote: true),
        bool b => b ? "true" : "false",
        double d => d.ToString("R", CultureInfo.InvariantCulture) is var text && (text.Contains('.') || text.Contains('E'))
            ? text
            : text + ".0",
        float f => f.ToString("R", CultureInfo.InvariantCulture) + "f",
        long l => l.ToString(CultureInfo.InvariantCulture) + "L",
        IFormattable n => n.ToString(null, CultureInfo.InvariantCulture),
        _ => throw new ArgumentOutOfRangeException(nameof(value), value, "not a parameter type"),
    };
}
