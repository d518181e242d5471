using BertNotebooks.Cli;
using BertNotebooks.Export;

namespace BertNotebooks.Tests.Cli;

/// <summary><c>bertnb export</c>: a run's or a folder's model to onnx/model.onnx; clear one-line errors otherwise.</summary>
public sealed class ExportCommandTests : IDisposable
{
    readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    static async Task<(int Code, string Output, string Error)> Bertnb(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var code = await BertnbCommand.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [FixtureFact("tiny-bert")]
    public async Task A_runs_best_model_is_exported_beside_its_config()
    {
        var run = _temp.File("run");
        var best = Path.Combine(run, "best-model");
        Directory.CreateDirectory(best);
        foreach (var file in Directory.GetFiles(Shared.Fixture("tiny-bert"))) File.Copy(file, Path.Combine(best, Path.GetFileName(file)));

        var (code, output, error) = await Bertnb("export", "--run-name", run); // an absolute run name is the run folder

        Assert.True(code == 0, error);
        Assert.Contains(OnnxExport.ModelPath(best), output);
        Assert.True(new FileInfo(OnnxExport.ModelPath(best)).Length > 4_000_000); // tiny-bert's 1M float32 weights
    }

    [Fact]
    public async Task A_run_without_a_best_model_is_one_line_naming_it()
    {
        var run = _temp.File("no-such-run");
        var (code, _, error) = await Bertnb("export", "--run-name", run);
        Assert.Equal(1, code);
        Assert.Contains("has no best model", error);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Theory]
    [InlineData]
    [InlineData("--run-name", "a", "--model-dir", "b")]
    public async Task Neither_or_both_sources_is_a_usage_error(params string[] options)
    {
        var (code, _, error) = await Bertnb(["export", .. options]);
        Assert.Equal(2, code);
        Assert.Contains("either --run-name", error);
    }
}
