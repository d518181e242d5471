using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace BertNotebooks.Data;

/// <summary>
/// Reads a data file as strict UTF-8: a byte sequence that is not UTF-8 (a file saved partly as latin-1 or Windows-1252)
/// stops the load with its line, instead of turning into replacement characters that the model would learn from.
/// </summary>
public static class TextFileDecoder
{
    public static string ReadUtf8(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path} does not exist: check the path " +
            $"(relative paths start at {BertPaths.WorkingDir}).", path);
        var bytes = File.ReadAllBytes(path);
        var text = Decode(bytes, path);
        if (text.Length == 0 || text.AsSpan().Trim().IsEmpty)
            throw new DatasetFormatException(path, null,
                "the file is empty: write the data into it (with a header line for CSV/TSV), or fix the path.");
        return text;
    }

    /// <summary>
    /// Decodes <paramref name="bytes"/> (a UTF-8 byte order mark is dropped) or names the line of the first invalid byte.
    /// </summary>
    public static string Decode(ReadOnlySpan<byte> bytes, string path)
    {
        if (IsUtf16(bytes))
            throw new DatasetFormatException(path, null,
                "the file is UTF-16 (Excel's \"Unicode Text\" and Windows tools save it so), not UTF-8. " +
                "Re-save it as UTF-8 (in Excel: CSV UTF-8; in an editor: Save with encoding UTF-8; or iconv -f UTF-16 -t UTF-8).");
        if (bytes.StartsWith(Encoding.UTF8.Preamble)) bytes = bytes[3..];
        var chars = new char[bytes.Length];
        var status = Utf8.ToUtf16(bytes, chars, out var read, out var written, replaceInvalidSequences: false);
        if (status == OperationStatus.Done) return new string(chars, 0, written);
        var line = bytes[..read].Count((byte)'\n') + 1;
        throw new DatasetFormatException(path, line,
            $"byte 0x{bytes[read]:X2} is not valid UTF-8 (the file mixes encodings, e.g. latin-1 or Windows-1252 text). " +
            "Re-save the file as UTF-8 (in Excel: CSV UTF-8; in an editor: Save with encoding UTF-8).");
    }

    /// <summary>
    /// A UTF-16 byte order mark, or text whose every other byte is zero (UTF-16 without a mark): UTF-8 text has no zero bytes.
    /// </summary>
    static bool IsUtf16(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith(Encoding.Unicode.Preamble) || bytes.StartsWith(Encoding.BigEndianUnicode.Preamble)) return true;
        var sample = bytes[..Math.Min(bytes.Length, 512)];
        return sample.Length >= 4 && sample.Count((byte)0) >= sample.Length / 4;
    }
}
