using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.PackageManagement;
using KernelInfo = Microsoft.DotNet.Interactive.Documents.KernelInfo;

namespace BertNotebooks.Runner;

/// <summary>
/// The kernel a notebook runs in: C# with <c>#r "nuget: ..."</c>, and the NuGet kernel extensions (such as
/// Plotly.NET.Interactive's chart formatter) that dotnet-interactive would load, but in this process, so that the
/// FSharp.Core this host pins is the one Plotly sees.
/// </summary>
public static class NotebookKernel
{
    public static readonly KernelInfoCollection KernelInfos =
    [
        new KernelInfo("csharp", "C#", ["c#", "C#", "cs"]),
        new KernelInfo("markdown", "Markdown", ["md"]),
    ];

    public static CompositeKernel Create()
    {
        var csharp = new CSharpKernel()
            .UseKernelHelpers()
            .UseNugetDirective((kernel, references) =>
            {
                kernel.AddAssemblyReferences(references.SelectMany(r => r.AssemblyPaths));
                return Task.CompletedTask;
            });
        var composite = new CompositeKernel { csharp };
        composite.DefaultKernelName = csharp.Name;
        // Each notebook's first cell is `#!import setup.dib`, as in dotnet-interactive.
        composite.UseImportMagicCommand();
        LoadNuGetExtensions(composite);
        return composite;
    }

    /// <summary>
    /// What <c>UseNuGetExtensions</c> does in dotnet-interactive (absent from these packages): a package that ships
    /// <c>interactive-extensions/dotnet/*.dll</c> gets its <see cref="IKernelExtension"/>s loaded once the command that
    /// added it completes, before the code after the <c>#r</c> runs.
    /// </summary>
    static void LoadNuGetExtensions(CompositeKernel kernel)
    {
        var added = new ConcurrentQueue<ResolvedPackageReference>();
        var seen = new ConcurrentDictionary<string, bool>();
        kernel.RegisterForDisposal(kernel.KernelEvents.Subscribe(new EventObserver(e =>
        {
            if (e is PackageAdded { PackageReference: { PackageRoot: not null } p } && seen.TryAdd(p.PackageRoot, true)) added.Enqueue(p);
        })));
        kernel.AddMiddleware(async (command, context, next) =>
        {
            await next(command, context);
            while (added.TryDequeue(out var package))
            {
                var folder = Path.Combine(package.PackageRoot, "interactive-extensions", "dotnet");
                if (!Directory.Exists(folder)) continue;
                foreach (var dll in Directory.EnumerateFiles(folder, "*.dll"))
                    foreach (var extension in Extensions(LoadOnce(dll)))
                        await extension.OnLoadAsync(kernel);
            }
        });
    }

    static IEnumerable<IKernelExtension> Extensions(Assembly assembly) =>
        assembly.GetExportedTypes()
            .Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(IKernelExtension).IsAssignableFrom(t))
            .Select(t => (IKernelExtension)Activator.CreateInstance(t)!);

    /// <summary>A second notebook in the same process adds the same package again; its assembly is already loaded.</summary>
    static Assembly LoadOnce(string path)
    {
        var name = AssemblyName.GetAssemblyName(path);
        return AssemblyLoadContext.Default.Assemblies.FirstOrDefault(a => AssemblyName.ReferenceMatchesDefinition(a.GetName(), name))
            ?? AssemblyLoadContext.Default.LoadFromAssemblyPath(path);
    }

    /// <summary>Every event the kernel publishes, as it happens.</summary>
    internal sealed class EventObserver(Action<KernelEvent> onNext) : IObserver<KernelEvent>
    {
        public void OnNext(KernelEvent value) => onNext(value);

        public void OnCompleted() { }
        public void OnError(Exception error) { }
    }
}
