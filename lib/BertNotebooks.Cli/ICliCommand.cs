using System.CommandLine;

namespace BertNotebooks.Cli;

/// <summary>
/// One verb of the console app (<c>bertnb NAME [options]</c>): its options and what it does. Commands are found by reflection.
/// </summary>
public interface ICliCommand
{
    Command Create();
}
