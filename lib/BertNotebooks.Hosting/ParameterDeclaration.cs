using BertNotebooks.Notebooks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace BertNotebooks.Hosting;

/// <summary>
/// A variable that a notebook's <c>parameters</c> cell declares (<c>double? learningRate = null;</c>,
/// <c>var maxLength = 256;</c>), with the C# type a <c>-p</c> value must take: the declared type, or for <c>var</c> the type
/// of its literal. <see cref="Type"/> is null for a type the command line cannot express (an enum, an array). The one reader
/// of parameters cells: bertnb-run's <c>-p</c> checks values against it, and <c>bertnb export-apps</c> gives each declared
/// name its command-line option.
/// </summary>
public sealed record ParameterDeclaration(string Notebook, string Name, string Declaration, Type? Type)
{
    /// <summary>How the kernel reads a cell: a C# script (top-level statements and declarations), the newest language.</summary>
    public static readonly CSharpParseOptions CellSyntax = CSharpParseOptions.Default.WithKind(SourceCodeKind.Script)
        .WithLanguageVersion(LanguageVersion.Preview);

    /// <summary>
    /// The declarations of the cell's <paramref name="code"/>, in order, read by the C# parser as the kernel reads the cell (a
    /// script): only top-level declarations count, never a variable inside a block or a lambda. The first wins when a name
    /// is declared twice.
    /// </summary>
    public static IReadOnlyList<ParameterDeclaration> Read(string code, string notebook) => [.. In(code, notebook).Values];

    /// <summary><see cref="Read"/>, by name.</summary>
    public static IReadOnlyDictionary<string, ParameterDeclaration> In(string code, string notebook)
    {
        var declarations = new OrderedDictionary<string, ParameterDeclaration>();
        var root = CSharpSyntaxTree.ParseText(code, CellSyntax).GetCompilationUnitRoot();
        foreach (var declarator in root.DescendantNodes().OfType<VariableDeclaratorSyntax>()
            .Where(v => !v.Ancestors().OfType<BlockSyntax>().Any() && v.Parent is VariableDeclarationSyntax))
        {
            var type = ((VariableDeclarationSyntax)declarator.Parent!).Type;
            var name = declarator.Identifier.ValueText;
            var initializer = declarator.Initializer?.Value;
            var declared = type.IsVar ? TypeOf(initializer) : TypedValue.FromKeyword(type.ToString());
            declarations.TryAdd(name, new ParameterDeclaration(notebook, name,
                type.IsVar ? $"var {name} = {initializer}" : $"{type} {name}", declared));
        }
        return declarations;
    }

    /// <summary>What <c>var x = LITERAL</c> makes x: string, bool, int, long, double or float; null for anything else.</summary>
    static Type? TypeOf(ExpressionSyntax? initializer) => initializer switch
    {
        LiteralExpressionSyntax { Token.Value: string or bool or int or long or double or float } literal => literal.Token.Value.GetType(),
        InterpolatedStringExpressionSyntax => typeof(string),
        PrefixUnaryExpressionSyntax { OperatorToken.ValueText: "-" or "+", Operand: LiteralExpressionSyntax number } => TypeOf(number),
        _ => null,
    };
}
