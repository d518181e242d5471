using System.Text.RegularExpressions;
using BertNotebooks.Hosting;
using Microsoft.DotNet.Interactive.Documents;

namespace BertNotebooks.Runner;

/// <summary>
/// A variable that a notebook's <c>parameters</c> cell declares (<c>double? learningRate = null;</c>,
/// <c>var maxLength = 256;</c>), with the C# type a <c>-p</c> value must take: the declared type, or for <c>var</c> the type
/// of its literal. <see cref="Type"/> is null for a type the command line cannot express (an enum, an array).
/// </summary>
public sealed partial record ParameterDeclaration(string Notebook, string Name, string Declaration, Type? Type)
{
    /// <summary>The declarations of the cell, by name; the first wins when a name is declared twice.</summary>
    public static IReadOnlyDictionary<string, ParameterDeclaration> In(InteractiveDocumentElement cell, string notebook)
    {
        var declarations = new Dictionary<string, ParameterDeclaration>();
        foreach (Match m in DeclarationLine().Matches(cell.Contents))
        {
            var (type, name, initializer) = (m.Groups["type"].Value, m.Groups["name"].Value, m.Groups["init"].Value.Trim());
            var declared = type == "var" ? TypeOfLiteral(initializer) : TypedValue.FromKeyword(type);
            declarations.TryAdd(name,
                new ParameterDeclaration(notebook, name, type == "var" ? $"var {name} = {initializer}" : $"{type} {name}", declared));
        }
        return declarations;
    }

    /// <summary>What <c>var x = LITERAL</c> makes x: string, bool, int, long, double or float; null for anything else.</summary>
    static Type? TypeOfLiteral(string literal) => literal switch
    {
        _ when literal.StartsWith('"') || literal.StartsWith("@\"", StringComparison.Ordinal)
            || literal.StartsWith("$\"", StringComparison.Ordinal) => typeof(string),
        "true" or "false" => typeof(bool),
        _ when IntegerLiteral().IsMatch(literal) => literal.EndsWith('L') || literal.EndsWith('l') ? typeof(long) : typeof(int),
        _ when RealLiteral().IsMatch(literal) => literal.EndsWith('f') || literal.EndsWith('F') ? typeof(float) : typeof(double),
        _ => null,
    };

    // "double? learningRate = null;" at the start of a line: a type (keyword, generic, nullable, array), a name, an initializer.
    [GeneratedRegex(@"^[ \t]*(?<type>[\w<>\[\]?,.]+)[ \t]+(?<name>[A-Za-z_]\w*)[ \t]*=(?<init>[^;\n]*);", RegexOptions.Multiline)]
    private static partial Regex DeclarationLine();

    [GeneratedRegex(@"^-?[0-9][0-9_]*[lL]?$")]
    private static partial Regex IntegerLiteral();

    [GeneratedRegex(@"^-?([0-9][0-9_]*)?(\.[0-9]+)?([eE][-+]?[0-9]+)?[dDfFmM]?$")]
    private static partial Regex RealLiteral();
}
