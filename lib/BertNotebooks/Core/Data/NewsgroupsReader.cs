using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace BertNotebooks.Data;

/// <summary>
/// Reads the raw messages of a bydate archive (.tar.gz streamed through memory, never extracted) or of the folder it
/// extracts to, checking the layout. Messages are latin-1, as scikit-learn reads them: every byte is one character.
/// </summary>
public static class NewsgroupsReader
{
    /// <summary>The messages of <paramref name="splits"/> from a .tar.gz or a folder, in no particular order.</summary>
    public static List<NewsgroupsMessage> Read(string source, IReadOnlySet<NewsgroupsSplit> splits)
    {
        if (Directory.Exists(source)) return ReadFolder(source, splits);
        if (File.Exists(source)) return ReadArchive(source, splits);
        throw new FileNotFoundException($"The 20 Newsgroups source {source} does not exist: " +
            "give the path of 20news-bydate.tar.gz or of its extracted folder.", source);
    }

    static List<NewsgroupsMessage> ReadArchive(string path, IReadOnlySet<NewsgroupsSplit> splits)
    {
        var messages = new List<NewsgroupsMessage>();
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            var gzip = IsGzip(file);
            // An uncompressed .tar (a browser or a user that unpacked the .gz) is read as it is.
            if (!gzip && !IsTar(file)) throw Corrupt(path, "neither a gzip file nor a tar archive", null);
            using var counted = new CountingStream(gzip ? new GZipStream(file, CompressionMode.Decompress, leaveOpen: true) : file);
            using (var tar = new TarReader(counted, leaveOpen: true))
                while (tar.GetNextEntry() is { } entry)
                    if (Message(entry, path, splits) is { } message) messages.Add(message);
            if (gzip) CheckGzipLength(file, counted, path);
        }
        catch (Exception e) when (e is not DatasetFormatException and (InvalidDataException or EndOfStreamException or FormatException))
        {
            throw Corrupt(path, e.Message, e);
        }
        return messages;
    }

    static NewsgroupsMessage? Message(TarEntry entry, string path, IReadOnlySet<NewsgroupsSplit> splits)
    {
        var segments = NewsgroupsLayout.Segments(entry.Name, path);
        if (segments.Length == 0) return null;
        var split = NewsgroupsLayout.SplitOf(segments[0], entry.Name, path);
        switch (entry.EntryType)
        {
            case TarEntryType.Directory when segments.Length <= 2:
                return null;
            case TarEntryType.RegularFile or TarEntryType.V7RegularFile when segments.Length == 3:
                if (!splits.Contains(split)) return null;
                var bytes = new byte[entry.Length];
                entry.DataStream?.ReadExactly(bytes);
                return new NewsgroupsMessage(split, segments[1], segments[2], Encoding.Latin1.GetString(bytes));
            default:
                throw NewsgroupsLayout.Unexpected(entry.Name, path);
        }
    }

    static List<NewsgroupsMessage> ReadFolder(string root, IReadOnlySet<NewsgroupsSplit> splits)
    {
        var messages = new List<NewsgroupsMessage>();
        foreach (var entry in Directory.EnumerateFileSystemEntries(root))
        {
            var name = Path.GetFileName(entry);
            var split = NewsgroupsLayout.SplitOf(name, name, root);
            if (!Directory.Exists(entry)) throw NewsgroupsLayout.Unexpected(name, root);
            foreach (var group in Directory.EnumerateFileSystemEntries(entry))
            {
                var groupName = Path.GetFileName(group);
                if (!Directory.Exists(group)) throw NewsgroupsLayout.Unexpected($"{name}/{groupName}", root);
                foreach (var message in Directory.EnumerateFileSystemEntries(group))
                {
                    var fileName = Path.GetFileName(message);
                    if (!File.Exists(message)) throw NewsgroupsLayout.Unexpected($"{name}/{groupName}/{fileName}", root);
                    if (splits.Contains(split))
                        messages.Add(new NewsgroupsMessage(split, groupName, fileName,
                            Encoding.Latin1.GetString(File.ReadAllBytes(message))));
                }
            }
        }
        return messages;
    }

    /// <summary>A POSIX tar: "ustar" at offset 257 of its first 512-byte header.</summary>
    static bool IsTar(FileStream file)
    {
        Span<byte> header = stackalloc byte[512];
        var isTar = file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) == header.Length
            && header[257..262].SequenceEqual("ustar"u8);
        file.Position = 0;
        return isTar;
    }

    static bool IsGzip(FileStream file)
    {
        Span<byte> magic = stackalloc byte[2];
        var isGzip = file.Read(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
        file.Position = 0;
        return isGzip;
    }

    /// <summary>
    /// A gzip cut short can end cleanly at a tar block, so the decompressor may report no error. The gzip trailer holds the
    /// uncompressed length (mod 2^32) in the file's last 4 bytes: if it disagrees with what was read, the file is incomplete.
    /// </summary>
    static void CheckGzipLength(FileStream file, CountingStream decompressed, string path)
    {
        decompressed.CopyTo(Stream.Null);   // the tar's end padding, up to the gzip trailer
        if (file.Length < 18) throw Corrupt(path, "too short for a gzip file", null);
        Span<byte> trailer = stackalloc byte[4];
        file.Position = file.Length - 4;
        file.ReadExactly(trailer);
        var expected = BitConverter.ToUInt32(trailer);   // little-endian, as gzip stores it (RFC 1952)
        if (!BitConverter.IsLittleEndian) expected = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(expected);
        if ((uint)decompressed.BytesRead != expected)
            throw Corrupt(path, $"its gzip trailer announces {expected} bytes but {decompressed.BytesRead} were read", null);
    }

    static DatasetFormatException Corrupt(string path, string detail, Exception? inner) => new(path, null,
        $"corrupt or truncated archive ({detail}). Delete it and download it again (or point BERTNB_20NG at a good copy).", inner);

    /// <summary>Counts the bytes read through it; disposing it disposes the decompressor, not the file under it.</summary>
    sealed class CountingStream(Stream inner) : Stream
    {
        public long BytesRead { get; private set; }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var read = inner.Read(buffer);
            BytesRead += read;
            return read;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
