using System.Text.Json;
using BertNotebooks.Cli;
using BertNotebooks.Inference;
using BertNotebooks.Modeling;
using BertNotebooks.Tests.Modeling;
using TorchSharp;

namespace BertNotebooks.Tests.Cli;

/// <summary><c>bertnb predict</c>: texts from the command line and a file, text and JSON output, one-line errors.</summary>
public sealed class PredictCommandTests : IDisposable
{
    static readonly string[] Classes = ["alt.atheism", "sci.space", "rec.autos"];
    readonly TempFolder _temp = new();
    readonly string _run;

    public PredictCommandTests()
    {
        torch.manual_seed(7);
        _run = _temp.File("run");
        var tokenizer = _temp.File("tokenizer");
        Directory.CreateDirectory(tokenizer);
        File.WriteAllText(Path.Combine(tokenizer, "vocab.txt"), "[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nthe\nshuttle\ncar\nengine\norbit\n");
        using var model = new BertForSequenceClassification(SmallBert.Config());
        model.SavePretrained(Path.Combine(_run, "best-model"), Classes, tokenizer);
    }

    public void Dispose() => _temp.Dispose();

    static async Task<(int Code, string Output, string Error)> Bertnb(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var code = await BertnbCommand.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Json_lines_hold_every_label_with_the_predictors_probabilities()
    {
        var file = _temp.File("texts.txt", "the car engine\n\nthe shuttle orbit\n");
        var (code, output, error) = await Bertnb("predict", "--run-name", _run, "orbit", "--file", file, "--json");

        Assert.True(code == 0, error);
        var lines = output.Trim().Split('\n');
        string[] texts = ["orbit", "the car engine", "the shuttle orbit"]; // the file's empty line is skipped
        Assert.Equal(texts.Length, lines.Length);
        using var predictor = Predictor.Load(Path.Combine(_run, "best-model"));
        var expected = predictor.PredictBatch(texts);
        for (int i = 0; i < texts.Length; i++)
        {
            using var doc = JsonDocument.Parse(lines[i]);
            Assert.Equal(texts[i], doc.RootElement.GetProperty("text").GetString());
            var scores = doc.RootElement.GetProperty("scores").EnumerateObject().ToList();
            Assert.Equal(Classes.Order(), scores.Select(s => s.Name).Order());
            Assert.Equal(expected[i].LabelName, scores[0].Name); // most probable first
            foreach (var score in scores)
                Assert.Equal(expected[i].Probabilities[Array.IndexOf(Classes, score.Name)], score.Value.GetSingle(), 1e-6f);
            Assert.Equal(1.0, scores.Sum(s => s.Value.GetDouble()), 1e-5);
        }
    }

    [Fact]
    public async Task Text_output_shows_the_top_k_classes_of_each_text()
    {
        var (code, output, error) = await Bertnb("predict", "--run-name", _run, "--top-k", "2", "the shuttle", "the car");
        Assert.True(code == 0, error);
        var lines = output.Trim().Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.All(lines, line => Assert.Equal(2, Classes.Count(c => line.Contains(c + " 0.", StringComparison.Ordinal))));
        Assert.EndsWith("| the car", lines[1]);
    }

    [Fact]
    public async Task A_missing_run_is_one_line_naming_it()
    {
        var (code, _, error) = await Bertnb("predict", "--run-name", _temp.File("nothing-here"), "text");
        Assert.Equal(1, code);
        Assert.Contains("nothing-here", error);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public async Task A_missing_file_is_one_line_naming_it()
    {
        var (code, _, error) = await Bertnb("predict", "--run-name", _run, "--file", _temp.File("absent.txt"));
        Assert.Equal(1, code);
        Assert.Contains("absent.txt does not exist", error);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public async Task No_text_is_a_usage_error()
    {
        var (code, _, error) = await Bertnb("predict", "--run-name", _run);
        Assert.Equal(2, code);
        Assert.Contains("No text to classify", error);
    }
}
