using BertNotebooks.Pretrained;
using BertNotebooks.Tests.Data;

namespace BertNotebooks.Tests.Pretrained;

/// <summary>HF_ENDPOINT and HF_HUB_OFFLINE, read as the Hugging Face tools read them.</summary>
[Collection(EnvironmentCollection.Name)]
public sealed class HubEnvironmentTests : IDisposable
{
    static readonly string[] Variables = ["BERTNB_HF_ENDPOINT", "HF_ENDPOINT", "HF_HUB_OFFLINE"];
    readonly Dictionary<string, string?> _saved = Variables.ToDictionary(v => v, Environment.GetEnvironmentVariable);
    readonly TempFolder _cache = new();

    public HubEnvironmentTests()
    {
        foreach (var variable in Variables) Environment.SetEnvironmentVariable(variable, null);
    }

    public void Dispose()
    {
        foreach (var (variable, value) in _saved) Environment.SetEnvironmentVariable(variable, value);
        _cache.Dispose();
    }

    [Fact]
    public void HF_ENDPOINT_is_the_hub_unless_BERTNB_HF_ENDPOINT_says_otherwise()
    {
        Environment.SetEnvironmentVariable("HF_ENDPOINT", "http://mirror.invalid");
        Assert.Equal("http://mirror.invalid", HubClient.DefaultEndpoint);

        Environment.SetEnvironmentVariable("BERTNB_HF_ENDPOINT", "http://ours.invalid");
        Assert.Equal("http://ours.invalid", HubClient.DefaultEndpoint);
    }

    [FixtureFact("tiny-bert/model.safetensors")]
    public async Task HF_HUB_OFFLINE_serves_the_cache_and_names_itself_for_what_is_not_there()
    {
        using var server = new LoopbackHttpServer(LoopbackHttpServer.Repository(HubClientTests.Repo, HubClientTests.TinyBertFiles()));
        using var hub = new HubClient(_cache.Path, server.Endpoint);
        var folder = await hub.DownloadModelAsync(HubClientTests.Repo);
        var requests = server.Requests.Count;
        Environment.SetEnvironmentVariable("HF_HUB_OFFLINE", "1");

        Assert.Equal(folder, await hub.DownloadModelAsync(HubClientTests.Repo));
        var e = await Assert.ThrowsAsync<HubException>(() => hub.DownloadModelAsync("someone/not-cached"));

        Assert.Contains("HF_HUB_OFFLINE is set and someone/not-cached's", e.Message);
        Assert.Equal(requests, server.Requests.Count);
    }
}
