using System.CommandLine;
using BertNotebooks.Hosting;

namespace BertNotebooks.Cli;

/// <summary><c>bertnb</c>'s command tree; separate from Main so that tests get the exit code and messages in-process.</summary>
public static class BertnbCommand
{
    public static RootCommand Create() => CommandLineHost.Root(
        "bertnb: the BertNotebooks recipe and benchmarks without notebooks.",
        typeof(ICliCommand).Assembly.GetTypes()
            .Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(ICliCommand).IsAssignableFrom(t))
            .Select(t => ((ICliCommand)Activator.CreateInstance(t)!).Create())
            .OrderBy(c => c.Name, StringComparer.Ordinal));

    public static Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancel = default) =>
        CommandLineHost.InvokeAsync(Create(), "bertnb", args, output, error, cancel);
}
