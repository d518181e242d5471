using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace BertNotebooks.Tests.Data;

public static class TestArchives
{
    /// <summary>A tiny bydate-shaped corpus: three groups, train and test, with headers, quotes and signatures.</summary>
    public static IReadOnlyList<(string Name, string Text)> TinyCorpus { get; } =
    [
        ("20news-bydate-test/sci.space/300", "Subject: t\n\norbit test\n"),
        ("20news-bydate-test/alt.atheism/200", "Subject: t\n\nbelief test\n"),
        ("20news-bydate-test/rec.autos/100", "Subject: t\n\ncar test\n"),
        ("20news-bydate-train/alt.atheism/9", "Subject: a\n\nshort\n"),
        ("20news-bydate-train/alt.atheism/10", "Subject: b\n\nIn article x writes:\n> quoted\nanswer\n\n-- \nsignature"),
        ("20news-bydate-train/rec.autos/5", "Subject: c\n\nengine \u00e9\n"),
        ("20news-bydate-train/rec.autos/6", "Subject: d\n\nwheels\n"),
        ("20news-bydate-train/sci.space/7", "Subject: e\n\nmoon\n"),
        ("20news-bydate-train/sci.space/8", "Subject: f\n\nmars\n"),
    ];

    /// <summary>Writes a .tar.gz (latin-1 file contents) with a directory entry for every folder, like tar does.</summary>
    public static string Write(string path, IEnumerable<(string Name, string Text)> files)
    {
        using var file = System.IO.File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        WriteTar(gzip, files);
        return path;
    }

    public static void WriteTar(Stream stream, IEnumerable<(string Name, string Text)> files)
    {
        using var tar = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true);
        var folders = new HashSet<string>();
        foreach (var (name, text) in files)
        {
            var slash = name.LastIndexOf('/');
            for (var i = name.IndexOf('/'); i >= 0 && i <= slash; i = name.IndexOf('/', i + 1))
                if (folders.Add(name[..(i + 1)])) tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, name[..(i + 1)]));
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name)
            {
                DataStream = new MemoryStream(Encoding.Latin1.GetBytes(text))
            });
        }
    }

    /// <summary>The same files laid out in a folder.</summary>
    public static string WriteFolder(string root, IEnumerable<(string Name, string Text)> files)
    {
        foreach (var (name, text) in files)
        {
            var path = Path.Combine(root, name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            System.IO.File.WriteAllBytes(path, Encoding.Latin1.GetBytes(text));
        }
        return root;
    }
}
