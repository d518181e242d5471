using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace BertNotebooks.Tests.TestSupport;

/// <summary>
/// A tiny HTTP/1.1 server on 127.0.0.1 that stands in for a download site or the Hugging Face hub: it answers each
/// request through a handler, records every request, closes each connection after one response, and stops by itself
/// after a minute at most.
/// </summary>
public sealed class LoopbackHttpServer : IDisposable
{
    public sealed record Request(string Path, string? Range, string? Authorization);

    /// <summary>
    /// What to answer. <paramref name="SendBytes"/> below Body.Length cuts the response off there (the declared length stays).
    /// </summary>
    public sealed record Reply(int Status, byte[] Body, IReadOnlyDictionary<string, string>? Headers = null, int? SendBytes = null)
    {
        public static Reply NotFound => new(404, "Entry not found"u8.ToArray());

        /// <summary>200 with the whole file, or 206 from the requested offset, as a static file server does.</summary>
        public static Reply File(byte[] content, Request request, IReadOnlyDictionary<string, string>? headers = null)
        {
            if (request.Range is not { } range) return new(200, content, headers);
            var from = int.Parse(range["bytes=".Length..range.IndexOf('-')], System.Globalization.CultureInfo.InvariantCulture);
            var extra = new Dictionary<string, string>(headers ?? new Dictionary<string, string>())
            {
                ["Content-Range"] = $"bytes {from}-{content.Length - 1}/{content.Length}",
            };
            return new(206, content[from..], extra);
        }
    }

    readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    readonly CancellationTokenSource _stop = new(TimeSpan.FromMinutes(1));
    readonly Func<Request, Reply> _handler;
    readonly Task _loop;

    public ConcurrentQueue<Request> Requests { get; } = new();
    public string Endpoint => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
    public Uri Url(string path) => new(Endpoint + path);

    public LoopbackHttpServer(Func<Request, Reply> handler)
    {
        _handler = handler;
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    /// <summary>
    /// Answers every request with <paramref name="body"/>, or only its first <paramref name="sendBytes"/> bytes (a dropped connection).
    /// </summary>
    public static LoopbackHttpServer Serving(byte[] body, int? sendBytes = null) => new(_ => new Reply(200, body, SendBytes: sendBytes));

    /// <summary>
    /// Serves <paramref name="files"/> (name → bytes) as repo <paramref name="repo"/> at revision main; 404 for anything else.
    /// </summary>
    public static Func<Request, Reply> Repository(string repo, IReadOnlyDictionary<string, byte[]> files) => request =>
        request.Path.StartsWith($"/{repo}/resolve/main/", StringComparison.Ordinal) &&
        files.TryGetValue(request.Path[$"/{repo}/resolve/main/".Length..], out var content)
            ? Reply.File(content, request)
            : Reply.NotFound;

    async Task ServeAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await _listener.AcceptTcpClientAsync(_stop.Token); }
            catch (OperationCanceledException) { return; }
            catch (SocketException) { return; }
            using (client)
            {
                try { await AnswerAsync(client.GetStream()); }
                catch (IOException) { } // the client hung up first: nothing to answer
            }
        }
    }

    async Task AnswerAsync(NetworkStream stream)
    {
        using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
        var requestLine = await reader.ReadLineAsync(_stop.Token) ?? "";
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var line = await reader.ReadLineAsync(_stop.Token); !string.IsNullOrEmpty(line);
            line = await reader.ReadLineAsync(_stop.Token))
            headers[line[..line.IndexOf(':')]] = line[(line.IndexOf(':') + 1)..].Trim();
        var request = new Request(requestLine.Split(' ')[1], headers.GetValueOrDefault("Range"),
            headers.GetValueOrDefault("Authorization"));
        Requests.Enqueue(request);

        var reply = _handler(request);
        var head = new StringBuilder($"HTTP/1.1 {reply.Status} Status\r\nContent-Length: {reply.Body.Length}\r\nConnection: close\r\n");
        foreach (var (name, value) in reply.Headers ?? new Dictionary<string, string>()) head.Append($"{name}: {value}\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.Append("\r\n").ToString()), _stop.Token);
        await stream.WriteAsync(reply.Body.AsMemory(0, reply.SendBytes ?? reply.Body.Length), _stop.Token);
        await stream.FlushAsync(_stop.Token);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _loop.Wait(TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }
}
