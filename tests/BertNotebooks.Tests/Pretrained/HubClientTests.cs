using System.Net;
using System.Net.Sockets;
using System.Text;
using BertNotebooks.IO;
using BertNotebooks.Pretrained;
using BertNotebooks.Tests.TestSupport;
using static BertNotebooks.Tests.TestSupport.LoopbackHttpServer;

namespace BertNotebooks.Tests.Pretrained;

public sealed class HubClientTests : IDisposable
{
    internal const string Repo = "test-org/tiny-bert";
    readonly string _cache = Path.Combine(Path.GetTempPath(), $"bertnb-hub-{Guid.NewGuid():N}");

    internal static Dictionary<string, byte[]> TinyBertFiles() => new()
    {
        ["config.json"] = File.ReadAllBytes(Shared.Fixture("tiny-bert/config.json")),
        ["model.safetensors"] = File.ReadAllBytes(Shared.Fixture("tiny-bert/model.safetensors")),
        ["vocab.txt"] = "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nhello\n"u8.ToArray(),
    };

    HubClient Client(LoopbackHttpServer server, string? token = null) =>
        new(_cache, server.Endpoint, token) { IdleTimeout = TimeSpan.FromSeconds(20) };

    static string[] FilesIn(string folder) => Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    [FixtureFact("tiny-bert/model.safetensors")]
    public async Task Downloads_a_repository_and_then_serves_it_from_the_cache()
    {
        var files = TinyBertFiles();
        using var server = new LoopbackHttpServer(Repository(Repo, files));
        using var hub = Client(server, token: "secret");
        var progress = new List<DownloadProgress>();

        var folder = await hub.DownloadModelAsync(Repo, progress: new CollectingProgress<DownloadProgress>(progress));

        Assert.Equal(["config.json", HubClient.RecordFileName, "model.safetensors", "vocab.txt"], FilesIn(folder));
        foreach (var (name, content) in files) Assert.Equal(content, File.ReadAllBytes(Path.Combine(folder, name)));
        Assert.Contains(server.Requests, r => r.Path.EndsWith("/tokenizer_config.json", StringComparison.Ordinal)); // optional: 404 is fine
        Assert.All(server.Requests, r => Assert.Equal("Bearer secret", r.Authorization));
        Assert.Contains(new DownloadProgress("model.safetensors", files["model.safetensors"].Length, files["model.safetensors"].Length),
            progress);

        var requests = server.Requests.Count;
        Assert.Equal(folder, await hub.DownloadModelAsync(Repo));
        Assert.Equal(requests, server.Requests.Count);
    }

    [FixtureFact("tiny-bert/model.safetensors")]
    public async Task A_response_cut_off_midway_is_resumed_with_a_range_request()
    {
        var files = TinyBertFiles();
        var weights = files["model.safetensors"];
        var serve = Repository(Repo, files);
        int cuts = 0;
        using var server = new LoopbackHttpServer(request =>
            request.Path.EndsWith("/model.safetensors", StringComparison.Ordinal) && Interlocked.Increment(ref cuts) == 1
                ? new Reply(200, weights, SendBytes: weights.Length / 3)
                : serve(request));
        using var hub = Client(server);

        var folder = await hub.DownloadModelAsync(Repo);

        var resumed = Assert.Single(server.Requests, r => r.Range is not null);
        Assert.EndsWith("/model.safetensors", resumed.Path);
        Assert.Equal($"bytes={weights.Length / 3}-", resumed.Range);
        Assert.Equal(weights, File.ReadAllBytes(Path.Combine(folder, "model.safetensors")));
        Assert.DoesNotContain(FilesIn(folder), f => f.EndsWith(".partial", StringComparison.Ordinal));
    }

    [FixtureFact("tiny-bert/model.safetensors")]
    public async Task A_partial_file_left_by_an_earlier_run_is_resumed()
    {
        var weights = TinyBertFiles()["model.safetensors"];
        using var server = new LoopbackHttpServer(Repository(Repo, TinyBertFiles()));
        using var hub = Client(server);
        var destination = Path.Combine(_cache, "model.safetensors");
        Directory.CreateDirectory(_cache);
        File.WriteAllBytes(destination + ".partial", weights[..1000]);

        await hub.DownloadFileAsync(Repo, "model.safetensors", destination);

        Assert.Equal("bytes=1000-", Assert.Single(server.Requests).Range);
        Assert.Equal(weights, File.ReadAllBytes(destination));
        Assert.False(File.Exists(destination + ".partial"));
    }

    [FixtureFact("tiny-bert/model.safetensors")]
    public async Task A_size_mismatch_is_an_error_and_leaves_no_file_under_the_final_name()
    {
        var files = TinyBertFiles();
        var serve = Repository(Repo, files);
        var wrongSize = new Dictionary<string, string> { ["X-Linked-Size"] = (files["model.safetensors"].Length + 7).ToString() };
        using var server = new LoopbackHttpServer(request => request.Path.EndsWith("/model.safetensors", StringComparison.Ordinal)
            ? Reply.File(files["model.safetensors"], request, wrongSize)
            : serve(request));
        using var hub = Client(server);

        var error = await Assert.ThrowsAsync<HubException>(() => hub.DownloadModelAsync(Repo));

        Assert.Contains("X-Linked-Size", error.Message);
        var folder = hub.FolderFor(Repo);
        Assert.False(File.Exists(Path.Combine(folder, "model.safetensors")));
        Assert.False(File.Exists(Path.Combine(folder, "model.safetensors.partial")));
        Assert.False(File.Exists(Path.Combine(folder, HubClient.RecordFileName)));
    }

    [Fact]
    public async Task A_missing_repository_is_a_clear_error()
    {
        using var server = new LoopbackHttpServer(_ => Reply.NotFound);
        using var hub = Client(server);

        var error = await Assert.ThrowsAsync<HubException>(() => hub.DownloadModelAsync("no-such/model"));

        Assert.Contains("no-such/model/resolve/main/config.json not found on the hub", error.Message);
        Assert.Contains(PretrainedModels.OfflineDefault, error.Message);
        Assert.False(File.Exists(Path.Combine(hub.FolderFor("no-such/model"), "config.json")));
    }

    [Fact]
    public async Task An_unreachable_hub_says_it_is_offline_and_names_the_offline_default()
    {
        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var endpoint = $"http://127.0.0.1:{((IPEndPoint)closed.LocalEndpoint).Port}";
        closed.Stop();
        using var hub = new HubClient(_cache, endpoint);

        var error = await Assert.ThrowsAsync<HubException>(() => hub.DownloadModelAsync(Repo));

        Assert.Contains("offline", error.Message);
        Assert.Contains(PretrainedModels.OfflineDefault, error.Message);
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/b/c")]
    [InlineData("has space")]
    public void A_malformed_repo_id_is_refused_before_any_request(string repoId)
    {
        using var hub = new HubClient(_cache, "http://127.0.0.1:9");
        var error = Assert.Throws<ArgumentException>(() => hub.FolderFor(repoId));
        Assert.Contains(repoId, error.Message);
    }

    public void Dispose()
    {
        if (Directory.Exists(_cache)) Directory.Delete(_cache, recursive: true);
    }
}
