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
    /// <summary>Lowest first: Platform, then Core, then Kernels, then the Notebooks layer.</summary>
    public static readonly string[] Order =
    [
        "BertNotebooks.IO", "BertNotebooks.Native",                                         // Platform
        "BertNotebooks.Data", "BertNotebooks.Tokenization", "BertNotebooks.Modeling",      // Core
        "BertNotebooks.Checkpoints", "BertNotebooks.Pretrained",                            // Platform: HF folders, the hub
        "BertNotebooks.Evaluation", "BertNotebooks.Training", "BertNotebooks.Inference",   // Core
        "BertNotebooks.Export",                                                             // Platform: ONNX
        "BertNotebooks.Kernels",                                                            // Kernels
        "BertNotebooks.Recipe", "BertNotebooks.Display", "BertNotebooks.Notebooks",        // Notebooks
    ];

    /// <summary>
    /// The uses that break the order today, each to be taken out (issue 20): from_pretrained lives on the model, a checkpoint folder knows the run, Training and Inference share
    /// their types both ways, and LibTorch's first-use download borrows the model registry's NuGet client. The tests fail
    /// on any use not listed here, and on a listed one that is gone, so the list only shrinks.
    /// </summary>
    static readonly string[] KnownUpward =
    [
        "BertNotebooks.Native -> BertNotebooks.Pretrained", // LibTorchLocation fetches LibTorch with Pretrained's NuGetFeed
        "BertNotebooks.Tokenization -> BertNotebooks.Modeling", "BertNotebooks.Tokenization -> BertNotebooks.Checkpoints",
        "BertNotebooks.Tokenization -> BertNotebooks.Training",
        "BertNotebooks.Modeling -> BertNotebooks.Checkpoints",
        "BertNotebooks.Checkpoints -> BertNotebooks.Pretrained", "BertNotebooks.Checkpoints -> BertNotebooks.Training",
        "BertNotebooks.Checkpoints -> BertNotebooks.Recipe",
        "BertNotebooks.Evaluation -> BertNotebooks.Inference",
        "BertNotebooks.Training -> BertNotebooks.Inference",
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
        Assert.True(upward.Except(KnownUpward).ToList() is [], "Uses of a higher layer:\n" + string.Join("\n", upward.Except(KnownUpward)));
        Assert.True(KnownUpward.Except(upward).ToList() is [], "Gone, so delete them from KnownUpward:\n" +
            string.Join("\n", KnownUpward.Except(upward)));
    }

    /// <summary>
    /// A cycle needs an upward use, so the test above catches it too; this one holds whatever the order says, and names
    /// the namespaces in the cycle (the known upward uses aside).
    /// </summary>
    [Fact]
    public void NoNamespaceCycles()
    {
        var cycles = Order.SelectMany(a => Next(a).Where(b => Reaches(b, a, [])).Select(b => $"{a} -> {b} -> ... -> {a}")).ToList();
        Assert.True(cycles.Count == 0, "Cycles:\n" + string.Join("\n", cycles));
    }

    static IEnumerable<string> Next(string from) => Uses[from].Where(to => !KnownUpward.Contains($"{from} -> {to}"));

    static bool Reaches(string from, string to, HashSet<string> seen) =>
        from == to || (seen.Add(from) && Next(from).Any(next => Reaches(next, to, seen)));
}
