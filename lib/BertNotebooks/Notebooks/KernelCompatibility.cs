using System.Reflection;
using System.Runtime.Loader;

namespace BertNotebooks.Notebooks;

/// <summary>
/// What the notebook kernels need so that the library's charts draw in them. <c>notebooks/setup.dib</c> calls
/// <see cref="UseLoadedFSharpCore"/> once, right after it loads the library; learners never see it.
/// </summary>
public static class KernelCompatibility
{
    static int installed;

    /// <summary>
    /// Plotly.NET 6.0.0 is built against FSharp.Core 10.1, while the dotnet-interactive kernel (VS Code's Polyglot
    /// Notebooks, and Jupyter's ".NET (C#)" kernel; 1.0.712001 ships FSharp.Core 10.0.103) has its own FSharp.Core
    /// loaded already. The runtime then fails the first chart with "Could not load file or assembly 'FSharp.Core,
    /// Version=10.1.0.0'". A process holds one FSharp.Core in its default load context, so the answer is that one:
    /// Plotly.NET uses nothing that 10.1 added. Where the requested version is already loaded (the in-process runner
    /// pins 10.1) the handler is never asked. Safe to call more than once.
    /// </summary>
    public static void UseLoadedFSharpCore()
    {
        if (Interlocked.Exchange(ref installed, 1) == 1) return;
        AssemblyLoadContext.Default.Resolving += (_, name) => AnswerWithLoaded(name, AppDomain.CurrentDomain.GetAssemblies());
    }

    /// <summary>The FSharp.Core already loaded for a request of any FSharp.Core version; null for anything else.</summary>
    internal static Assembly? AnswerWithLoaded(AssemblyName requested, IEnumerable<Assembly> loaded) =>
        requested.Name == "FSharp.Core"
            ? loaded.Where(a => a.GetName().Name == "FSharp.Core").MaxBy(a => a.GetName().Version)
            : null;
}
