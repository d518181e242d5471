using System.Text.Json;
using BertNotebooks.Checkpoints;
using BertNotebooks.IO;
using BertNotebooks.Modeling;
using BertNotebooks.Native;

namespace BertNotebooks.Export;

/// <summary>
/// Exports a fine-tuned classifier folder to ONNX, in the layout of Hugging Face's ONNX tools: <c>onnx/model.onnx</c>
/// beside config.json, so that ONNX Runtime (or transformers.js, with the folder's tokenizer.json) runs it without LibTorch.
/// </summary>
public static class OnnxExport
{
    public const string Folder = "onnx", FileName = "model.onnx";

    /// <summary>Where <see cref="Export"/> writes: <c>&lt;modelFolder&gt;/onnx/model.onnx</c>.</summary>
    public static string ModelPath(string modelFolder) => Path.Combine(modelFolder, Folder, FileName);

    /// <summary>
    /// Writes <c>&lt;modelFolder&gt;/onnx/model.onnx</c> (atomically) from the folder's config.json and model.safetensors,
    /// and tokenizer.json if a folder saved before it existed lacks one; returns the ONNX file's path.
    /// </summary>
    public static string Export(string modelFolder)
    {
        if (!Directory.Exists(modelFolder))
            throw new DirectoryNotFoundException($"Model folder {Path.GetFullPath(modelFolder)} does not exist; " +
                "pass the best-model folder of a training run (04-training writes it).");
        var path = ModelPath(modelFolder);
        WriteGraph(modelFolder, path);
        // The graph's copies of the weights and the writer's message buffers were managed arrays (0.4 GB for MiniLM in
        // 07-deploy): give them back now rather than at some later collection, under whatever the next cell allocates.
        TorchNative.ReturnFreedMemory();

        bool HasFile(string name) => File.Exists(Path.Combine(modelFolder, name));
        if (HasFile(TokenizerFiles.Vocab) && !HasFile(TokenizerFiles.FastTokenizer))
            TokenizerFiles.WriteFastTokenizer(modelFolder);
        return path;
    }

    static void WriteGraph(string modelFolder, string path)
    {
        var (model, report) = BertForSequenceClassification.FromPretrained(modelFolder);
        using var _ = model;
        if (report.Initialised.Count > 0)
            throw new InvalidDataException($"{modelFolder} is not a fine-tuned classifier, so an export would predict at random:\n" +
                $"{report}\nExport a folder written by the Trainer or SavePretrained.");

        var graph = BertOnnxGraph.Build(model.Config, model.state_dict());
        graph.Metadata("id2label", JsonSerializer.Serialize(model.Config.Id2Label));
        graph.Metadata("source", "BertNotebooks OnnxExport of a BertForSequenceClassification folder");
        var version = typeof(OnnxExport).Assembly.GetName().Version?.ToString() ?? "0";
        AtomicFile.Write(path, stream => graph.WriteTo(stream, "BertNotebooks", version));
    }
}
