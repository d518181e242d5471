using System.Security.Cryptography;
using BertNotebooks.IO;

namespace BertNotebooks.Data;

/// <summary>
/// Downloads the official archive into the cache, checking its sha256 before it gets its final name: an interrupted or
/// altered download leaves nothing behind that a later run could mistake for the archive.
/// </summary>
public static class NewsgroupsDownload
{
    static readonly HttpClient Client = new() { Timeout = TimeSpan.FromMinutes(10) };

    public static void Fetch(Uri url, string destination, string expectedSha256, IProgress<DownloadProgress>? progress = null)
    {
        try
        {
            AtomicFile.Write(destination, file => CopyVerified(url, file, expectedSha256, progress));
        }
        catch (HttpRequestException e)
        {
            throw Failed(url, destination, e.Message, e);
        }
        catch (IOException e)
        {
            throw Failed(url, destination, $"interrupted: {e.Message}", e);
        }
        catch (TaskCanceledException e)
        {
            throw Failed(url, destination, "timed out", e);
        }
    }

    static void CopyVerified(Uri url, Stream file, string expectedSha256, IProgress<DownloadProgress>? progress)
    {
        using var response = Client.Send(new HttpRequestMessage(HttpMethod.Get, url), HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        var total = response.Content.Headers.ContentLength;
        using var body = response.Content.ReadAsStream();
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        var reported = new DownloadProgress(Newsgroups.ArchiveName, 0, total);
        progress?.Report(reported);
        long received = 0;
        for (int read; (read = body.Read(buffer)) > 0;)
        {
            file.Write(buffer, 0, read);
            sha.AppendData(buffer, 0, read);
            received += read;
            var now = reported with { Bytes = received };
            if (now.Tenths > reported.Tenths) progress?.Report(reported = now);
        }
        if (reported.Bytes != received) progress?.Report(reported with { Bytes = received }); // the size was not announced
        if (total is { } expectedLength && received != expectedLength)
            throw new IOException($"the server announced {expectedLength} bytes and sent {received}");
        var actual = Convert.ToHexStringLower(sha.GetHashAndReset());
        if (!string.Equals(actual, expectedSha256, StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException(
                $"The file downloaded from {url} has sha256 {actual}, not the expected {expectedSha256}; nothing was saved. " +
                "Try again later, or download 20news-bydate.tar.gz yourself and point BERTNB_20NG at it.");
    }

    static IOException Failed(Uri url, string destination, string why, Exception inner) => new(
        $"Downloading {url} to {destination} failed ({why}); nothing was saved. Check the network and run again, or download " +
        "20news-bydate.tar.gz yourself and point BERTNB_20NG (or the LocalSource option) at it.", inner);
}
