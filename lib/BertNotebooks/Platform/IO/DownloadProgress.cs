namespace BertNotebooks.IO;

/// <summary>How far the download of one file has got; <see cref="Total"/> is null while the server has not said.</summary>
public sealed record DownloadProgress(string File, long Bytes, long? Total)
{
    /// <summary>Tenths of the file received (0-10); -1 while the size is unknown. A line each time it grows is enough for
    /// a person to watch.</summary>
    public int Tenths => Total is > 0 ? (int)(Bytes * 10 / Total.Value) : -1;

    public override string ToString() => Total is { } total
        ? $"{File}: {Bytes / 1e6:0.0} / {total / 1e6:0.0} MB"
        : $"{File}: {Bytes / 1e6:0.0} MB";
}
