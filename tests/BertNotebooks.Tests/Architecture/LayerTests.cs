using BertNotebooks.Native;
using NetArchTest.Rules;

namespace BertNotebooks.Tests.Architecture;

/// <summary>
/// The library's layers (CONTRIBUTING.md, "Layout"): each namespace may use only the namespaces before it in
/// <see cref="Order"/>, so no two namespaces use each other and Core (Modeling … Inference) names no kernel and no notebook
/// type. Dependencies are read from the compiled IL, method bodies included.
/// </summary>
public class LayerTests
{
    /// <summary>Lowest first: Platform's IO, LibTorch and checkpoint files; Core (with the hub, which builds models);
    /// ONNX export over Core; the speed kernels, which take the places of Core's modules; the Notebooks layer.</summary>
    public static readonly string[] Order =
    [
        "BertNotebooks.IO", "BertNotebooks.Native", "BertNotebooks.Checkpoints",             // Platform
        "BertNotebooks.Data", "BertNotebooks.Tokenization", "BertNotebooks.Modeling",      // Core
        "BertNotebooks.Pretrained",                                                         // Platform: the model registry, the hub
        "BertNotebooks.Evaluation", "BertNotebooks.Training", "BertNotebooks.Inference",   // Core
        "BertNotebooks.Export",                                                             // Platform: ONNX
        "BertNotebooks.Kernels",                                                            // Kernels
        "BertNotebooks.Recipe", "BertNotebooks.Display", "BertNotebooks.Notebooks",        // Notebooks
    ];

    static readonly Dictionary<string, string[]> Uses = Order.ToDictionary(n => n, n => Order
        .Where(other => other != n && Types.InAssembly(typeof(TorchNative).Assembly).That().ResideInNamespace(n)
            .And().HaveDependencyOn(other).GetTypes().Any())
        .ToArray());

    [Fact]
    public void EveryNamespaceIsInTheOrder()
    {
        var namespaces = typeof(TorchNative).Assembly.GetTypes()
            .Select(t => t.Namespace).Where(n => n is not null && n != "BertNotebooks" && !n.StartsWith("System", StringComparison.Ordinal))
            .Distinct().ToList();
        Assert.Empty(namespaces.Except(Order));
    }

    [Fact]
    public void NoNamespaceUsesOneAboveIt()
    {
        var upward = Order.SelectMany((n, i) => Uses[n].Where(used => Array.IndexOf(Order, used) > i).Select(used => $"{n} -> {used}"))
            .ToList();
        Assert.True(upward.Count == 0, "Uses of a higher layer:\n" + string.Join("\n", upward));
    }

    /// <summary>
    /// A cycle needs an upward use, so the test above catches it too; this one holds whatever the order says, and names
    /// the namespaces in the cycle.
    /// </summary>
    [Fact]
    public void NoNamespaceCycles()
    {
        var cycles = Order.SelectMany(a => Uses[a].Where(b => Reaches(b, a, [])).Select(b => $"{a} -> {b} -> ... -> {a}")).ToList();
        Assert.True(cycles.Count == 0, "Cycles:\n" + string.Join("\n", cycles));
    }

    static bool Reaches(string from, string to, HashSet<string> seen) =>
        from == to || (seen.Add(from) && Uses[from].Any(next => Reaches(next, to, seen)));
}
