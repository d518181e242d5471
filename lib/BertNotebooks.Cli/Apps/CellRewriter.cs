using BertNotebooks.Hosting;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace BertNotebooks.Cli.Apps;

/// <summary>
/// A code cell as a piece of a top-level program. The cell is parsed as the kernel parses it (C# script), so that what the
/// notebook shows is found exactly: the kernel's <c>display(x)</c> becomes the console helper's call, and a last line that
/// is a bare expression (the cell's value, which the notebook displays) becomes a display call.
/// </summary>
public static class CellRewriter
{
    public const string DisplayCall = "ConsoleDisplay.Show";

    public static string Rewrite(string code)
    {
        var root = CSharpSyntaxTree.ParseText(code, ParameterDeclaration.CellSyntax).GetCompilationUnitRoot();
        var edits = root.DescendantNodes().OfType<InvocationExpressionSyntax>()
            .Where(i => i.Expression is IdentifierNameSyntax { Identifier.ValueText: "display" })
            .Select(i => (i.Expression.Span, DisplayCall))
            .ToList();
        if (root.Members.LastOrDefault() is GlobalStatementSyntax
            {
                Statement: ExpressionStatementSyntax { SemicolonToken.IsMissing: true } last
            })
        {
            edits.Add((new Microsoft.CodeAnalysis.Text.TextSpan(last.Expression.SpanStart, 0), DisplayCall + "("));
            edits.Add((new Microsoft.CodeAnalysis.Text.TextSpan(last.Expression.Span.End, 0), ");"));
        }
        var text = code;
        foreach (var (span, replacement) in edits.OrderByDescending(e => e.Span.Start).ThenByDescending(e => e.Span.Length))
            text = text.Remove(span.Start, span.Length).Insert(span.Start, replacement);
        return text;
    }
}
