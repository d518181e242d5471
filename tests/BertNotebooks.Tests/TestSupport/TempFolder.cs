using System.Text;

namespace BertNotebooks.Tests.TestSupport;

/// <summary>A folder under the system temp directory, deleted with everything in it on Dispose.</summary>
public sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("bertnb-test-").FullName;

    /// <summary>The path of <paramref name="relative"/> in this folder (nothing is written).</summary>
    public string File(string relative) => System.IO.Path.Combine(Path, relative);

    public string File(string relative, string content) => File(relative, Encoding.UTF8.GetBytes(content));

    /// <summary>Writes <paramref name="content"/> to <paramref name="relative"/>, making folders as needed; returns its path.</summary>
    public string File(string relative, byte[] content)
    {
        var path = File(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllBytes(path, content);
        return path;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
