using System.CommandLine;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using BertNotebooks.Hosting;
using BertNotebooks.Inference;

namespace BertNotebooks.Cli.Commands;

/// <summary>
/// <c>bertnb predict --run-name NAME [TEXT ...] [--file FILE] [--top-k K] [--json]</c>: a run's best model classifies texts
/// given on the command line and/or one a line in a file. Text output shows the top K classes of each; <c>--json</c> writes
/// one object a line, <c>{"text": ..., "scores": {label: probability, ...}}</c> with every label, most probable first.
/// </summary>
public sealed class PredictCommand : ICliCommand
{
    readonly Option<string?> _runName = CommandLineHost.Typed<string?>("--run-name", "The training run whose best model classifies");
    readonly Option<string?> _modelDir = CommandLineHost.Typed<string?>("--model-dir", "A fine-tuned model folder instead of a run's");
    readonly Option<string?> _file = CommandLineHost.Typed<string?>("--file", "A UTF-8 text file, one text a line (empty lines skipped)");
    readonly Option<int> _topK = CommandLineHost.Defaulted("--top-k", "Classes shown per text (text output)", 3)
        .Check(k => k < 1 ? $"--top-k must be at least 1, not {k}." : null);
    readonly Option<bool> _json = new("--json") { Description = "One JSON object a line, with every label's probability" };
    readonly Option<int> _maxLength = CommandLineHost.Defaulted("--max-length", "Tokens per text at most (cut beyond)", 512)
        .Check(n => n < 2 ? $"--max-length must be at least 2 ([CLS] and [SEP]), not {n}." : null);
    readonly Option<string> _device = CommandLineHost.Defaulted("--device", "auto, cpu, cuda or cuda:N", "auto");
    readonly Argument<string[]> _texts = new("TEXT") { Description = "Texts to classify", Arity = ArgumentArity.ZeroOrMore };

    static readonly JsonSerializerOptions JsonLine = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public Command Create()
    {
        var command = new Command("predict", "Classify texts with a run's best model")
            { _runName, _modelDir, _file, _topK, _json, _maxLength, _device, _texts };
        command.SetAction(result => Run(result));
        return command;
    }

    int Run(ParseResult result)
    {
        var folder = CliModelFolder.Resolve(result.GetValue(_runName), result.GetValue(_modelDir));
        var texts = Texts(result.GetValue(_texts) ?? [], result.GetValue(_file));
        using var predictor = Predictor.Load(folder, result.GetValue(_device)!, result.GetValue(_maxLength));
        int topK = result.GetValue(_topK);
        var output = result.InvocationConfiguration.Output;
        foreach (var prediction in predictor.PredictBatch(texts, topK: Math.Max(topK, predictor.ClassNames.Count)))
        {
            if (result.GetValue(_json)) output.WriteLine(JsonSerializer.Serialize(Scores(prediction), JsonLine));
            else output.WriteLine(Line(prediction, topK));
        }
        return CommandLineHost.Success;
    }

    /// <summary>The command line's texts, then the file's non-empty lines; at least one in all.</summary>
    static List<string> Texts(string[] arguments, string? file)
    {
        var texts = arguments.ToList();
        if (file is not null)
        {
            var path = BertPaths.UserPath(file);
            if (!File.Exists(path))
                throw new FileNotFoundException($"--file {path} does not exist; give a text file, one text a line.", path);
            texts.AddRange(File.ReadLines(path).Where(line => line.Length > 0));
        }
        return texts.Count > 0 ? texts
            : throw new ArgumentException("No text to classify: give texts after the options, or --file FILE with one text a line.");
    }

    static object Scores(Prediction p) => new
    {
        text = p.Text,
        scores = p.TopK.ToDictionary(c => c.Name, c => c.Probability), // every class, most probable first
    };

    /// <summary>"sci.space 0.912  rec.autos 0.041  ...  | the text's first 60 characters".</summary>
    static string Line(Prediction p, int topK)
    {
        var classes = string.Join("  ",
            p.TopK.Take(topK).Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Name} {c.Probability:0.000}")));
        var text = p.Text.ReplaceLineEndings(" ");
        return $"{classes}  | {(text.Length > 60 ? text[..57] + "..." : text)}";
    }
}
