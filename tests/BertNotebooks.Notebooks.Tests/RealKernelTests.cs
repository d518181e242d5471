using System.Diagnostics;
using System.Text.Json;
using BertNotebooks.Notebooks.Tests.Infrastructure;

namespace BertNotebooks.Notebooks.Tests;

/// <summary>
/// The seven notebooks in the kernels people run, not only in the in-process runner (which pins its own FSharp.Core and
/// so once hid a failure every user saw): VS Code's <c>dotnet-interactive stdio</c>, and Jupyter's nbconvert. The
/// series' profile comes from <c>BERTNB_PROFILE</c>, as a workshop would set it; runs go to a temp data folder.
/// </summary>
public sealed class RealKernelTests : IDisposable
{
    static readonly TimeSpan CellTimeout = TimeSpan.FromMinutes(10);
    static string NotebooksDir => Path.Combine(NotebookHarness.RepositoryRoot, "notebooks");
    readonly NotebookHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [KernelFact]
    public async Task All_seven_notebooks_run_cell_by_cell_in_the_kernel_VS_Code_starts()
    {
        var environment = SmokeEnvironment();
        foreach (var notebook in Directory.GetFiles(NotebooksDir, "*.ipynb").Order(StringComparer.Ordinal))
        {
            using var kernel = new StdioKernel(NotebooksDir, environment);
            var failure = await kernel.RunNotebookAsync(notebook, CellTimeout);
            Assert.True(failure is null, $"VS Code's kernel (dotnet-interactive stdio): {failure}");
        }

        var runDir = Path.Combine(environment["BERTNB_DATA_DIR"], "runs", "smoke");
        Assert.True(File.Exists(Path.Combine(runDir, "split.json")), "01-data wrote no split.json");
        Assert.True(File.Exists(Path.Combine(runDir, "best-model", "model.safetensors")), "04-training saved no best model");
        Assert.True(File.Exists(Path.Combine(runDir, "metrics.json")), "05-evaluation wrote no metrics.json");
        Assert.True(File.Exists(Path.Combine(runDir, "best-model", "onnx", "model.onnx")), "07-deploy exported no model.onnx");
    }

    [KernelFact]
    public async Task The_data_notebook_runs_in_jupyter_and_draws_its_chart()
    {
        var nbconvert = Jupyter.NbConvert ?? throw new InvalidOperationException(
            "jupyter-nbconvert is not installed: apt-get install -y jupyter-nbconvert python3-nbclient python3-ipykernel (.ci/run does).");
        var environment = SmokeEnvironment();
        var jupyterPath = Path.Combine(_harness.Root, "jupyter");
        await Jupyter.InstallKernelSpecAsync(Path.Combine(jupyterPath, "kernels"));
        environment["JUPYTER_PATH"] = jupyterPath;

        var (exitCode, output) = await Jupyter.ExecuteAsync(nbconvert, Path.Combine(NotebooksDir, "01-data.ipynb"), _harness.OutputDir,
            environment);

        Assert.True(exitCode == 0, $"jupyter nbconvert --execute 01-data exited with {exitCode}:\n{output}");
        var cells = NotebookHarness.Cells(Path.Combine(_harness.OutputDir, "01-data.ipynb"));
        var outputs = cells.SelectMany(c => c.TryGetProperty("outputs", out var o) ? o.EnumerateArray() : []).ToList();
        Assert.DoesNotContain(outputs, o => o.GetProperty("output_type").GetString() == "error");
        // This kernel prints compiler warnings under a cell (the in-process runner does not): a learner would read them.
        var warnings = outputs.Select(o => o.GetRawText()).Where(text => text.Contains("warning CS", StringComparison.Ordinal)).ToList();
        Assert.True(warnings.Count == 0, $"01-data shows compiler warnings in Jupyter:\n{string.Join("\n", warnings)}");
        Assert.Contains(outputs, o => o.GetRawText().Contains("plotly", StringComparison.OrdinalIgnoreCase)); // the label chart
    }

    Dictionary<string, string> SmokeEnvironment() => new()
    {
        ["BERTNB_PROFILE"] = "smoke",
        ["BERTNB_DATA_DIR"] = Path.Combine(_harness.Root, "data"),
        // The converted MiniLM is a cache like any user's; the runs stay in the temp folder.
        ["BERTNB_MODELS_DIR"] = Path.Combine(NotebookHarness.RepositoryRoot, "data", "models"),
        ["BERTNB_20NG"] = Environment.GetEnvironmentVariable("BERTNB_20NG") ?? "",
    };
}

/// <summary>Debian's <c>jupyter-nbconvert</c> with the kernelspec that <c>dotnet interactive jupyter install</c> writes.</summary>
static class Jupyter
{
    public static string? NbConvert { get; } =
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator)
            .Where(d => d.Length > 0)
            .Select(d => Path.Combine(d, OperatingSystem.IsWindows() ? "jupyter-nbconvert.exe" : "jupyter-nbconvert"))
            .FirstOrDefault(File.Exists);

    /// <summary>The tool's own install, into a folder of ours: its ".NET (C#)" spec starts <c>dotnet interactive jupyter</c>.</summary>
    public static async Task InstallKernelSpecAsync(string kernelsDir)
    {
        Directory.CreateDirectory(kernelsDir);
        var (exitCode, output) = await RunAsync(
            KernelTool.StartInfo(NotebookHarness.RepositoryRoot, "jupyter", "install", "--path", kernelsDir));
        Assert.True(exitCode == 0 && File.Exists(Path.Combine(kernelsDir, ".net-csharp", "kernel.json")),
            $"jupyter install failed:\n{output}");
    }

    public static Task<(int ExitCode, string Output)> ExecuteAsync(string nbconvert, string notebook, string outputDir,
        IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(nbconvert)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false
        };
        foreach (var argument in (string[])["--to", "notebook", "--execute", notebook, "--output-dir", outputDir,
                     "--ExecutePreprocessor.kernel_name=.net-csharp", "--ExecutePreprocessor.timeout=600",
                     "--ExecutePreprocessor.startup_timeout=300"])
            start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        start.Environment["DOTNET_INTERACTIVE_CLI_TELEMETRY_OPTOUT"] = "1";
        return RunAsync(start);
    }

    static async Task<(int, string)> RunAsync(ProcessStartInfo start)
    {
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(15));
        try { await process.WaitForExitAsync(limit.Token); }
        catch (OperationCanceledException) { process.Kill(entireProcessTree: true); return (-1, "timed out after 15 minutes"); }
        return (process.ExitCode, await stdout + await stderr);
    }
}
