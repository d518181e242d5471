namespace BertNotebooks.Tests.Checkpoints;

/// <summary>A folder under the system temp directory, deleted with everything in it on Dispose.</summary>
public sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("bertnb-checkpoints-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
