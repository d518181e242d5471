using System.CommandLine;
using System.Globalization;
using BertNotebooks.Export;
using BertNotebooks.Hosting;

namespace BertNotebooks.Cli.Commands;

/// <summary>
/// <c>bertnb export --run-name NAME</c> (or <c>--model-dir PATH</c>): writes the run's best model to ONNX,
/// <c>best-model/onnx/model.onnx</c>, for ONNX Runtime and transformers.js; tokenizer.json too where the folder lacks it.
/// </summary>
public sealed class ExportCommand : ICliCommand
{
    readonly Option<string?> _runName = CommandLineHost.Typed<string?>("--run-name",
        "The training run whose best model to export (data/runs/NAME/best-model)");
    readonly Option<string?> _modelDir = CommandLineHost.Typed<string?>("--model-dir",
        "A fine-tuned model folder (config.json + model.safetensors) instead of a run's");

    public Command Create()
    {
        var command = new Command("export", "Export a fine-tuned model to ONNX (onnx/model.onnx beside config.json)")
            { _runName, _modelDir };
        command.SetAction(result => Run(result));
        return command;
    }

    int Run(ParseResult result)
    {
        var folder = CliModelFolder.Resolve(result.GetValue(_runName), result.GetValue(_modelDir));
        var output = result.InvocationConfiguration.Output;
        var path = OnnxExport.Export(folder);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {path} ({new FileInfo(path).Length / 1e6:0.0} MB)"));
        return CommandLineHost.Success;
    }
}
