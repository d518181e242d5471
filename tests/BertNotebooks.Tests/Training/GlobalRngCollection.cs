namespace BertNotebooks.Tests.Training;

/// <summary>
/// Tests that compare two runs bit for bit. torch's random generator (weight init, dropout) is one per process, so these run
/// alone, after the parallel tests, where no other test draws from it in between.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class GlobalRngCollection
{
    public const string Name = "torch global RNG";
}
