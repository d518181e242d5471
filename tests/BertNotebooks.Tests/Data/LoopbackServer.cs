using System.Net;
using System.Net.Sockets;
using System.Text;

namespace BertNotebooks.Tests.Data;

/// <summary>An HTTP server on 127.0.0.1 that answers every GET with <paramref name="body"/>, or only its first
/// <paramref name="sendBytes"/> bytes while announcing all of them, to stand for a dropped connection.</summary>
public sealed class LoopbackServer : IDisposable
{
    readonly TcpListener listener = new(IPAddress.Loopback, 0);
    readonly byte[] body;
    readonly int sendBytes;
    readonly Task serving;
    int requests;

    public LoopbackServer(byte[] body, int? sendBytes = null)
    {
        this.body = body;
        this.sendBytes = sendBytes ?? body.Length;
        listener.Start();
        serving = Task.Run(Serve);
    }

    public Uri Url => new($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/files/20news");
    public int Requests => Volatile.Read(ref requests);

    async Task Serve()
    {
        try
        {
            while (true)
            {
                using var client = await listener.AcceptTcpClientAsync();
                Interlocked.Increment(ref requests);
                var stream = client.GetStream();
                var request = new StringBuilder();
                var buffer = new byte[4096];
                while (!request.ToString().Contains("\r\n\r\n"))
                {
                    var read = await stream.ReadAsync(buffer);
                    if (read == 0) break;
                    request.Append(Encoding.ASCII.GetString(buffer, 0, read));
                }
                var header = $"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
                await stream.WriteAsync(Encoding.ASCII.GetBytes(header));
                await stream.WriteAsync(body.AsMemory(0, sendBytes));
                await stream.FlushAsync();
                client.Client.Shutdown(SocketShutdown.Both);
            }
        }
        catch (Exception e) when (e is ObjectDisposedException or SocketException or IOException or InvalidOperationException)
        {
            // The listener was stopped: the test is over.
        }
    }

    public void Dispose()
    {
        listener.Stop();
        serving.Wait(TimeSpan.FromSeconds(5));
    }
}
