using BertNotebooks.Hosting;
using Microsoft.DotNet.Interactive.Documents;

namespace BertNotebooks.Runner;

/// <summary>
/// Papermill's convention: the cell tagged <c>parameters</c> declares defaults, and an <c>injected-parameters</c> cell
/// placed right after it overrides them, so that the executed notebook shows exactly which values it ran with.
/// </summary>
public static class ParameterInjector
{
    public const string ParametersTag = "parameters";
    public const string InjectedTag = "injected-parameters";

    /// <summary>The profile is a parameter like any other: <c>--profile quick</c> is <c>-p profile=quick</c>, always a string.</summary>
    public static IReadOnlyList<NotebookParameter> WithProfile(IReadOnlyList<NotebookParameter> parameters, string? profile) =>
        profile is null
            ? parameters
            : [.. parameters.Where(p => p.Name != "profile"), new NotebookParameter("profile", profile)];

    /// <summary>
    /// Inserts the injected cell after the <c>parameters</c> cell and returns its index, or returns null when there is
    /// nothing to inject. Only the parameters that cell declares are assigned, each typed as it declares it, so that one
    /// <c>-p</c> can serve the one notebook of a series that has it (C#, unlike Python, cannot assign an undeclared variable).
    /// Throws when there are values but no cell to put them after, or a value that does not fit its declared type.
    /// </summary>
    public static int? Inject(InteractiveDocument notebook, IReadOnlyList<NotebookParameter> parameters, string notebookName)
    {
        if (parameters.Count == 0) return null;
        var index = IndexOfTagged(notebook, ParametersTag)
            ?? throw new ArgumentException(
                $"Notebook '{notebookName}' has no cell tagged '{ParametersTag}', " +
                $"so {string.Join(", ", parameters.Select(p => $"'{p.Name}'"))} " +
                "has nowhere to go. Tag the cell that declares the defaults (cell metadata tags: [\"parameters\"]).");
        var declared = ParameterDeclaration.In(notebook.Elements[index].Contents, notebookName);
        var assignments = parameters.Where(p => declared.ContainsKey(p.Name)).Select(p => p.AssignmentFor(declared[p.Name])).ToList();
        if (assignments.Count == 0) return null;

        var previous = IndexOfTagged(notebook, InjectedTag);
        if (previous is { } stale) notebook.Elements.RemoveAt(stale); // a notebook saved by an earlier run
        if (previous < index) index--;

        var cell = new InteractiveDocumentElement(
            "// Parameters injected by bertnb-run\n" + string.Join("\n", assignments),
            notebook.Elements[index].KernelName ?? "csharp");
        cell.Metadata = new Dictionary<string, object> { ["tags"] = new[] { InjectedTag } };
        notebook.Elements.Insert(index + 1, cell);
        return index + 1;
    }

    /// <summary>
    /// Throws for a parameter that none of the notebooks declares (a typo would otherwise change nothing) and for a value
    /// that does not fit the type a notebook declares: before any cell runs, not minutes into the series.
    /// </summary>
    public static void Validate(IReadOnlyList<(string Name, InteractiveDocument Notebook)> notebooks,
        IReadOnlyList<NotebookParameter> parameters)
    {
        var declarations = notebooks
            .Select(n => IndexOfTagged(n.Notebook, ParametersTag) is { } i ? ParameterDeclaration.In(n.Notebook.Elements[i].Contents, n.Name) : null)
            .OfType<IReadOnlyDictionary<string, ParameterDeclaration>>().ToList();
        if (declarations.Count == 0) return; // Inject names the notebook that lacks a parameters cell
        var unknown = parameters.Where(p => !declarations.Any(d => d.ContainsKey(p.Name))).Select(p => p.Name).ToList();
        if (unknown.Count > 0)
        {
            var known = declarations.SelectMany(d => d.Keys).Distinct().ToList();
            throw new ArgumentException(
                $"No notebook among {string.Join(", ", notebooks.Select(n => n.Name))} " +
                $"declares {string.Join(", ", unknown.Select(u => $"'{u}'"))} " +
                $"in its parameters cell{(Spelling.Closest(unknown[0], known) is { } closest ? $" (did you mean '{closest}'?)" : "")}. " +
                $"The parameters they declare: {string.Join(", ", known)}.");
        }
        foreach (var parameter in parameters)
            foreach (var declared in declarations)
                if (declared.TryGetValue(parameter.Name, out var declaration)) parameter.AssignmentFor(declaration);
    }

    static int? IndexOfTagged(InteractiveDocument notebook, string tag)
    {
        for (var i = 0; i < notebook.Elements.Count; i++)
            if (Tags(notebook.Elements[i]).Contains(tag)) return i;
        return null;
    }

    /// <summary>Jupyter keeps tags in the cell metadata; the parser hands them back as a JSON array or a list.</summary>
    public static IReadOnlyList<string> Tags(InteractiveDocumentElement cell)
    {
        if (cell.Metadata is null || !cell.Metadata.TryGetValue("tags", out var tags)) return [];
        return tags switch
        {
            System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.Array } array =>
                [.. array.EnumerateArray().Select(t => t.GetString() ?? "")],
            IEnumerable<object> list => [.. list.Select(t => t?.ToString() ?? "")],
            _ => [],
        };
    }
}
