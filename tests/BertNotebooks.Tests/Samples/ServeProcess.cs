using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace BertNotebooks.Tests.Samples;

/// <summary>
/// samples/serve as a real process (the build next to this test's, <c>dotnet BertNotebooks.Serve.dll</c>) on a port of
/// loopback that Kestrel picks; killed on Dispose, whatever happened.
/// </summary>
public sealed class ServeProcess : IDisposable
{
    /// <summary>The sample's build output, named by this project's file (samples/serve in the same configuration).</summary>
    static string Dll => typeof(ServeProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "ServeSampleDll").Value!;

    readonly Process _process;
    readonly StringBuilder _log;

    public Uri Address { get; }
    public HttpClient Client { get; }
    /// <summary>What the process printed so far, both streams.</summary>
    public string Log { get { lock (_log) return _log.ToString(); } }

    ServeProcess(Process process, Uri address, StringBuilder log)
    {
        (_process, Address, _log) = (process, address, log);
        Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(1) };
    }

    /// <summary>Starts the service on <paramref name="modelFolder"/> and waits until it listens.</summary>
    public static async Task<ServeProcess> StartAsync(string modelFolder)
    {
        var process = Process.Start(StartInfo("--model", modelFolder, "--urls", "http://127.0.0.1:0"))!;
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new StringBuilder();
        void Line(string? line)
        {
            if (line is null) return;
            lock (log) log.AppendLine(line);
            const string Marker = "Now listening on: ";
            if (line.Contains(Marker)) listening.TrySetResult(new Uri(line[(line.IndexOf(Marker) + Marker.Length)..].Trim()));
        }
        process.OutputDataReceived += (_, e) => Line(e.Data);
        process.ErrorDataReceived += (_, e) => Line(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var exited = process.WaitForExitAsync();
            var first = await Task.WhenAny(listening.Task, exited, Task.Delay(TimeSpan.FromMinutes(1)));
            if (first != listening.Task)
            {
                var why = first == exited ? $"exit code {process.ExitCode}" : "no answer in a minute";
                throw new InvalidOperationException($"samples/serve did not start listening ({why}):\n{log}");
            }
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
        return new ServeProcess(process, await listening.Task, log);
    }

    /// <summary>Runs the service with <paramref name="arguments"/> until it exits (start-up errors); a minute at most.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunToExitAsync(IReadOnlyDictionary<string, string>? environment,
        params string[] arguments)
    {
        var start = StartInfo(arguments);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"samples/serve {string.Join(' ', arguments)} did not exit within a minute: {await stdout}");
        }
        return (process.ExitCode, await stdout, await stderr);
    }

    static ProcessStartInfo StartInfo(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        start.ArgumentList.Add(Dll);
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment.Remove("BERTNB_MODEL_DIR");
        start.Environment.Remove("ASPNETCORE_URLS");
        start.Environment["DOTNET_NOLOGO"] = "1";
        return start;
    }

    public void Dispose()
    {
        Client.Dispose();
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
        _process.Dispose();
    }
}
