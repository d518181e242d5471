namespace BertNotebooks.Cli;

/// <summary>One verb of the console app (<c>bertnb NAME [options]</c>). Commands are found by reflection.</summary>
public interface ICliCommand
{
    string Name { get; }
    string Summary { get; }
    Task<int> RunAsync(CliArguments args, CancellationToken cancel);
}
