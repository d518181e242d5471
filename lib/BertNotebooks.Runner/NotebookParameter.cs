using System.Globalization;
using Microsoft.CodeAnalysis.CSharp;

namespace BertNotebooks.Runner;

/// <summary>
/// One papermill-style parameter, <c>-p name=value</c>, turned into a C# assignment to the variable that the notebook's
/// <c>parameters</c> cell declares. The value's type comes from how it reads: int, double, bool, else string.
/// </summary>
public sealed record NotebookParameter(string Name, string CSharpLiteral)
{
    public string Assignment => $"{Name} = {CSharpLiteral};";

    /// <summary>Parses <c>name=value</c> as typed on the command line.</summary>
    public static NotebookParameter Parse(string nameEqualsValue)
    {
        var equals = nameEqualsValue.IndexOf('=');
        if (equals <= 0)
            throw new ArgumentException($"Parameter '{nameEqualsValue}' is not name=value; write it like -p maxLength=128.");
        return From(nameEqualsValue[..equals].Trim(), nameEqualsValue[(equals + 1)..]);
    }

    /// <summary>A parameter whose value is typed by its literal.</summary>
    public static NotebookParameter From(string name, string value)
    {
        if (!SyntaxFacts.IsValidIdentifier(name) || SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None)
            throw new ArgumentException($"Parameter name '{name}' is not a C# variable name; use the name the notebook's parameters cell declares.");
        return new NotebookParameter(name, Literal(value));
    }

    static string Literal(string value)
    {
        if (int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i))
            return i.ToString(CultureInfo.InvariantCulture);
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d))
        {
            var text = d.ToString("R", CultureInfo.InvariantCulture);
            // "1E-05" and "3" are C# int/double literals only with a decimal point or exponent kept as a double.
            return text.Contains('.') || text.Contains('E') ? text : text + ".0";
        }
        if (bool.TryParse(value, out var b)) return b ? "true" : "false";
        return SymbolDisplay.FormatLiteral(value, quote: true);
    }
}
