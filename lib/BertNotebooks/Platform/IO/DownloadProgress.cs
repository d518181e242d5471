namespace BertNotebooks.IO;

/// <summary>How far the download of one file has got; <see cref="Total"/> is null while the server has not said.</summary>
public sealed record DownloadProgress(string File, long Bytes, long? Total)
{
    public override string ToString() => Total is { } total
        ? $"{File}: {Bytes / 1e6:0.0} / {total / 1e6:0.0} MB"
        : $"{File}: {Bytes / 1e6:0.0} MB";
}
