using System.Globalization;
using BertNotebooks.Export;
using BertNotebooks.Pretrained;
using Microsoft.Data.Analysis;

namespace BertNotebooks.Display;

/// <summary>07-deploy's tables: the exported folder, the graph's operators, and ONNX Runtime beside TorchSharp.</summary>
public static class DeployViews
{
    static readonly Dictionary<string, string> Roles = new(StringComparer.Ordinal)
    {
        ["config.json"] = "architecture and class names",
        ["model.safetensors"] = "the weights, for TorchSharp or PyTorch",
        ["vocab.txt"] = "WordPiece vocabulary, one token a line",
        ["tokenizer_config.json"] = "tokenizer settings (lower-casing)",
        ["special_tokens_map.json"] = "the special tokens' names",
        ["tokenizer.json"] = "the tokenizer, for HF runtimes",
        ["README.md"] = "model card",
        [Path.Combine(OnnxExport.Folder, OnnxExport.FileName)] = "graph and weights, for ONNX Runtime",
    };

    /// <summary>Every file of a model folder (onnx/ included) with its size and what it is for.</summary>
    public static DataFrame Files(string modelFolder)
    {
        var files = Directory.GetFiles(modelFolder, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(modelFolder, f)).Order(StringComparer.Ordinal).ToList();
        return new DataFrame(
            new StringDataFrameColumn("file", files.Select(f => f.Replace('\\', '/'))),
            new StringDataFrameColumn("size", files.Select(f => Size(new FileInfo(Path.Combine(modelFolder, f)).Length))),
            new StringDataFrameColumn("for", files.Select(f => Roles.GetValueOrDefault(f, ""))));
    }

    static string Size(long bytes) => bytes >= 1_000_000
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e6:0.0} MB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e3:0.0} kB");

    /// <summary>How many nodes of each operator the ONNX graph has, the most frequent first.</summary>
    public static DataFrame Operators(string onnxPath)
    {
        var counts = OnnxModel.Parse(File.ReadAllBytes(onnxPath)).Nodes.GroupBy(n => n.OpType)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).ToList();
        return new DataFrame(
            new StringDataFrameColumn("operator", counts.Select(g => g.Key)),
            new Int32DataFrameColumn("nodes", counts.Select(g => g.Count())));
    }

    /// <summary>The parity check as a two-column table: what was measured, and its value in this run.</summary>
    public static DataFrame Parity(OnnxParityReport report)
    {
        string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
        (string, string)[] rows =
        [
            ("documents", F($"{report.Documents}")),
            ("largest |logit difference|", F($"{report.MaxAbsDifference:0.00e+0}")),
            ("same predicted class", F($"{report.SameClass} of {report.Documents}")),
            ("TorchSharp documents/s", F($"{report.TorchSharpDocumentsPerSecond:0.0}")),
            ("ONNX Runtime documents/s", F($"{report.OnnxDocumentsPerSecond:0.0}")),
            ("model.onnx MB", F($"{report.OnnxFileBytes / 1e6:0.0}")),
        ];
        return new DataFrame(
            new StringDataFrameColumn("measure", rows.Select(r => r.Item1)),
            new StringDataFrameColumn("value", rows.Select(r => r.Item2)));
    }
}
