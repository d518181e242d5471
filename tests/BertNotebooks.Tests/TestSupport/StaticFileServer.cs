using System.Net;
using System.Net.Sockets;
using System.Text;

namespace BertNotebooks.Tests.TestSupport;

/// <summary>
/// A static file server on 127.0.0.1 for a browser under test: GET of files under mapped folders (URL prefix → folder)
/// and of fixed bytes at fixed paths, one response per connection, with the content types browsers insist on for
/// module scripts and WebAssembly. Stops on Dispose.
/// </summary>
public sealed class StaticFileServer : IDisposable
{
    static readonly Dictionary<string, string> ContentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8", [".js"] = "text/javascript", [".mjs"] = "text/javascript",
        [".json"] = "application/json", [".wasm"] = "application/wasm", [".txt"] = "text/plain; charset=utf-8",
    };

    readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    readonly CancellationTokenSource _stop = new();
    readonly IReadOnlyList<(string Prefix, string Folder)> _folders;
    readonly IReadOnlyDictionary<string, byte[]> _files;
    readonly Task _loop;

    /// <param name="folders">URL prefix ("/", "/models/model/") → folder; the longest matching prefix wins.</param>
    /// <param name="files">URL path → content, served before any folder.</param>
    public StaticFileServer(IReadOnlyDictionary<string, string> folders, IReadOnlyDictionary<string, byte[]>? files = null)
    {
        _folders = [.. folders.OrderByDescending(f => f.Key.Length).Select(f => (f.Key, Path.GetFullPath(f.Value)))];
        _files = files ?? new Dictionary<string, byte[]>();
        _listener.Start();
        _loop = Task.Run(AcceptAsync);
    }

    public Uri Url(string pathAndQuery) => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}{pathAndQuery}");

    async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException) { return; }
            _ = Task.Run(async () =>
            {
                using (client)
                {
                    try { await AnswerAsync(client.GetStream()); }
                    catch (Exception e) when (e is IOException or OperationCanceledException) { } // the browser hung up
                }
            });
        }
    }

    async Task AnswerAsync(NetworkStream stream)
    {
        using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
        var requestLine = await reader.ReadLineAsync(_stop.Token) ?? "";
        while (!string.IsNullOrEmpty(await reader.ReadLineAsync(_stop.Token))) { } // headers: not needed
        var target = requestLine.Split(' ') is [_, var t, ..] ? t : "/";
        var path = Uri.UnescapeDataString(target.Split('?')[0]);

        (int status, string type, Stream body) = Resolve(path);
        await using (body)
        {
            var head = $"HTTP/1.1 {status} {(status == 200 ? "OK" : "Not Found")}\r\nContent-Type: {type}\r\n" +
                $"Content-Length: {body.Length}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head), _stop.Token);
            await body.CopyToAsync(stream, _stop.Token);
        }
    }

    (int Status, string Type, Stream Body) Resolve(string path)
    {
        if (_files.TryGetValue(path, out var bytes)) return (200, TypeOf(path), new MemoryStream(bytes));
        foreach (var (prefix, folder) in _folders)
        {
            if (!path.StartsWith(prefix, StringComparison.Ordinal)) continue;
            var file = Path.GetFullPath(Path.Combine(folder, path[prefix.Length..]));
            if (file.StartsWith(folder, StringComparison.Ordinal) && File.Exists(file)) return (200, TypeOf(file), File.OpenRead(file));
        }
        return (404, "text/plain", new MemoryStream(Encoding.UTF8.GetBytes($"{path} not found")));
    }

    static string TypeOf(string path) => ContentTypes.GetValueOrDefault(Path.GetExtension(path), "application/octet-stream");

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _loop.Wait(TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }
}
