using BertNotebooks.Cli;

var commands = typeof(ICliCommand).Assembly.GetTypes()
    .Where(t => t is { IsAbstract: false, IsInterface: false } && typeof(ICliCommand).IsAssignableFrom(t))
    .Select(t => (ICliCommand)Activator.CreateInstance(t)!)
    .OrderBy(c => c.Name)
    .ToList();

if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
{
    Console.WriteLine("bertnb: the BertNotebooks recipe and benchmarks without notebooks.\n\nCommands:");
    foreach (var c in commands) Console.WriteLine($"  {c.Name,-18} {c.Summary}");
    return 0;
}

var command = commands.FirstOrDefault(c => c.Name == args[0]);
if (command is null)
{
    Console.Error.WriteLine($"Unknown command '{args[0]}'. Run 'bertnb --help' for the list.");
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); Console.Error.WriteLine("Stopping: saving a resumable checkpoint…"); };
try
{
    return await command.RunAsync(new CliArguments(args.Skip(1)), cancel.Token);
}
catch (Exception e) when (e is ArgumentException or IOException or FormatException or InvalidDataException or InvalidOperationException or NotSupportedException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
