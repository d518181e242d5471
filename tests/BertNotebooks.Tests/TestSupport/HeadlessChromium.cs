using System.Diagnostics;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BertNotebooks.Tests.TestSupport;

/// <summary>
/// Headless Chromium (Debian's <c>chromium</c>, or Chrome; <c>BERTNB_CHROMIUM</c> names another) driven through the
/// DevTools protocol, for the browser sample's test: it opens a page and waits until the page has written its answer.
/// Only loopback resolves, so a page that reaches for a CDN fails.
/// </summary>
public static class HeadlessChromium
{
    static readonly string[] Names = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];

    public static string? Executable { get; } = Environment.GetEnvironmentVariable("BERTNB_CHROMIUM") is { Length: > 0 } set
        ? set
        : Names.SelectMany(n => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(dir => Path.Combine(dir, n)))
            .FirstOrDefault(File.Exists);

    /// <summary>
    /// Opens <paramref name="page"/> and returns the text of its element <paramref name="elementId"/> once the page has
    /// put some there (scripts that load models take a while: no fixed wait), within <paramref name="limit"/>.
    /// Chromium is killed at the end, whatever happened.
    /// </summary>
    public static async Task<string> WaitForTextAsync(Uri page, string elementId, TimeSpan limit)
    {
        var exe = Executable
            ?? throw new InvalidOperationException("Chromium is not installed: apt-get install -y chromium (or set BERTNB_CHROMIUM).");
        var profile = Directory.CreateTempSubdirectory("bertnb-chromium-");
        var start = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var flag in (string[])["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                     $"--user-data-dir={profile.FullName}", "--remote-debugging-port=0",
                     "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1", page.AbsoluteUri]) // loopback only: no CDN
            start.ArgumentList.Add(flag);
        using var process = Process.Start(start)!;
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) => { lock (stderr) stderr.AppendLine(e.Data); };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        using var cancel = new CancellationTokenSource(limit);
        try
        {
            var text = $"(() => {{ const e = document.getElementById({JsonSerializer.Serialize(elementId)}); " +
                "return e && e.textContent ? e.textContent : null; })()";
            while (true)
            {
                // The page's target, once Chromium lists it (navigations replace the JavaScript context: ask again).
                try
                {
                    if (await PageSocketAsync(profile.FullName, page, cancel.Token) is { } socketUrl &&
                        await EvaluateAsync(socketUrl, text, cancel.Token) is { } value)
                        return value;
                }
                catch (Exception e) when (e is HttpRequestException or WebSocketException) { } // not listening yet
                await Task.Delay(250, cancel.Token);
            }
        }
        catch (OperationCanceledException)
        {
            lock (stderr) throw new TimeoutException($"{page} wrote nothing into #{elementId} within {limit}. Chromium: {stderr}");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            profile.Delete(recursive: true);
        }
    }

    /// <summary>The DevTools WebSocket of the tab showing <paramref name="page"/>; null until Chromium is up and shows it.</summary>
    static async Task<Uri?> PageSocketAsync(string profile, Uri page, CancellationToken cancel)
    {
        var portFile = Path.Combine(profile, "DevToolsActivePort"); // Chromium's chosen port, first line
        if (!File.Exists(portFile) || (await File.ReadAllLinesAsync(portFile, cancel)).FirstOrDefault() is not { Length: > 0 } port)
            return null;
        using var http = new HttpClient();
        var targets = await http.GetFromJsonAsync<JsonArray>($"http://127.0.0.1:{port}/json/list", cancel) ?? [];
        var address = page.GetLeftPart(UriPartial.Path);
        return targets.Where(t => (string?)t?["type"] == "page" && ((string?)t?["url"])?.StartsWith(address) == true)
            .Select(t => new Uri((string)t!["webSocketDebuggerUrl"]!)).FirstOrDefault();
    }

    /// <summary>Runtime.evaluate of <paramref name="expression"/> in the page: its string value, or null (none yet, or an error).</summary>
    static async Task<string?> EvaluateAsync(Uri socketUrl, string expression, CancellationToken cancel)
    {
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(socketUrl, cancel);
        var request = new JsonObject
        {
            ["id"] = 1, ["method"] = "Runtime.evaluate",
            ["params"] = new JsonObject { ["expression"] = expression, ["returnByValue"] = true },
        };
        await socket.SendAsync(Encoding.UTF8.GetBytes(request.ToJsonString()), WebSocketMessageType.Text, true, cancel);
        while (true)
        {
            var message = new MemoryStream();
            var buffer = new byte[64 * 1024];
            WebSocketReceiveResult received;
            do
            {
                received = await socket.ReceiveAsync(buffer, cancel);
                message.Write(buffer, 0, received.Count);
            } while (!received.EndOfMessage);
            var reply = JsonNode.Parse(message.ToArray());
            if ((int?)reply?["id"] != 1) continue; // an event, not the answer
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, cancel);
            return reply["result"]?["result"]?["value"] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
        }
    }
}
