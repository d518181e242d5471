using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BertNotebooks.Notebooks.Tests.Infrastructure;

/// <summary>
/// A notebook run the way VS Code's Polyglot Notebooks runs one: a <c>dotnet-interactive stdio</c> process started in
/// the notebook's folder, one <c>SubmitCode</c> command per code cell, in order, as JSON lines; each cell ends with
/// the kernel's <c>CommandSucceeded</c> or <c>CommandFailed</c> event for that command's token.
/// </summary>
public sealed class StdioKernel : IDisposable
{
    readonly Process _process;
    readonly Task<string> _stderr;

    public StdioKernel(string workingDir, IReadOnlyDictionary<string, string> environment)
    {
        var start = KernelTool.StartInfo(workingDir, "stdio", "--default-kernel", "csharp", "--working-dir", workingDir);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        _process = Process.Start(start)!;
        _stderr = _process.StandardError.ReadToEndAsync();
    }

    /// <summary>
    /// Runs every code cell of <paramref name="notebookPath"/>; returns null, or the first failure with the notebook, the cell and the
    /// error.
    /// </summary>
    public async Task<string?> RunNotebookAsync(string notebookPath, TimeSpan cellTimeout)
    {
        var name = Path.GetFileNameWithoutExtension(notebookPath);
        var cells = JsonNode.Parse(File.ReadAllText(notebookPath))!["cells"]!.AsArray();
        for (var i = 0; i < cells.Count; i++)
        {
            var cell = cells[i]!;
            if ((string?)cell["cell_type"] != "code") continue;
            var source = cell["source"] is JsonArray lines ? string.Concat(lines.Select(l => (string?)l)) : (string?)cell["source"] ?? "";
            if (string.IsNullOrWhiteSpace(source)) continue;
            var error = await SubmitAsync(source, $"{name}-cell-{i + 1}", cellTimeout);
            if (error is not null) return $"{name}, cell {i + 1}: {error}";
        }
        return null;
    }

    /// <summary>Sends one cell; null when the kernel says it succeeded, else its error message.</summary>
    async Task<string?> SubmitAsync(string code, string token, TimeSpan timeout)
    {
        var command = new JsonObject
        {
            ["token"] = token,
            ["commandType"] = "SubmitCode",
            ["command"] = new JsonObject { ["code"] = code, ["targetKernelName"] = "csharp" },
        };
        await _process.StandardInput.WriteLineAsync(command.ToJsonString());
        await _process.StandardInput.FlushAsync();

        using var limit = new CancellationTokenSource(timeout);
        var errors = new List<string>();
        while (true)
        {
            string? line;
            try { line = await _process.StandardOutput.ReadLineAsync(limit.Token); }
            catch (OperationCanceledException) { return $"no answer within {timeout.TotalSeconds:0} s"; }
            if (line is null) return $"the kernel exited ({await _stderr})";
            if (!line.StartsWith('{')) continue; // the tool's banner
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            if (!root.TryGetProperty("eventType", out var type)) continue;
            var forThisCell = root.TryGetProperty("command", out var c) && c.ValueKind == JsonValueKind.Object
                && c.TryGetProperty("token", out var t) && t.GetString() == token;
            switch (type.GetString())
            {
                case "ErrorProduced" or "StandardErrorValueProduced":
                    errors.Add(root.GetProperty("event").TryGetProperty("message", out var m)
                        ? m.GetString() ?? ""
                        : root.GetProperty("event").GetRawText());
                    break;
                case "CommandSucceeded" when forThisCell:
                    return null;
                case "CommandFailed" when forThisCell:
                    return string.Join("\n", [root.GetProperty("event").GetProperty("message").GetString() ?? "", .. errors]);
            }
        }
    }

    public void Dispose()
    {
        // The tool does not exit when its input closes: end it and its children.
        try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        _process.WaitForExit(TimeSpan.FromSeconds(30));
        _process.Dispose();
    }
}
