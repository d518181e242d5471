using System.Text.Json;
using TorchSharp;

namespace BertNotebooks.Checkpoints;

/// <summary>The files of a Hugging Face <c>save_pretrained</c> folder and reading its weights.</summary>
public static class CheckpointFiles
{
    public const string Config = "config.json";
    public const string Weights = "model.safetensors";
    public const string WeightsIndex = "model.safetensors.index.json";
    public const string PickledWeights = "pytorch_model.bin";

    /// <summary>
    /// Every tensor of the folder's model.safetensors, or of the shards its model.safetensors.index.json names,
    /// on the CPU. The caller owns (and disposes) them.
    /// </summary>
    public static Dictionary<string, torch.Tensor> LoadStateDict(string folder)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"Checkpoint folder {folder} does not exist.");
        var single = Path.Combine(folder, Weights);
        if (File.Exists(single)) return SafeTensors.Load(single);
        var index = Path.Combine(folder, WeightsIndex);
        if (File.Exists(index)) return LoadSharded(index);
        if (File.Exists(Path.Combine(folder, PickledWeights)) || Directory.EnumerateFiles(folder, "pytorch_model*.bin").Any())
            throw new InvalidDataException(
                $"{folder} holds only {PickledWeights}, a Python pickle, which BertNotebooks does not read because unpickling can run " +
                "arbitrary code. Convert it to safetensors once with Python: `from transformers import AutoModel; " +
                $"AutoModel.from_pretrained(\"{folder}\").save_pretrained(\"{folder}\")` (writes {Weights}).");
        throw new FileNotFoundException($"{folder} has neither {Weights} nor {WeightsIndex}; it is not a save_pretrained folder.", single);
    }

    static Dictionary<string, torch.Tensor> LoadSharded(string indexPath)
    {
        var folder = Path.GetDirectoryName(indexPath)!;
        Dictionary<string, string> weightMap;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(indexPath));
            if (!doc.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException($"{indexPath} has no \"weight_map\" object.");
            weightMap = map.EnumerateObject().ToDictionary(
                p => p.Name,
                p => p.Value.GetString()
                    ?? throw new InvalidDataException($"{indexPath}: weight_map entry '{p.Name}' is not a file name."));
        }
        catch (JsonException e) { throw new InvalidDataException($"{indexPath} is not valid JSON: {e.Message}", e); }

        var tensors = new Dictionary<string, torch.Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var shard in weightMap.Values.Distinct().Order(StringComparer.Ordinal))
            {
                var shardPath = Path.Combine(folder, shard);
                if (Path.GetFileName(shard) != shard)
                    throw new InvalidDataException($"{indexPath} names shard '{shard}', which is not a file in the same folder.");
                if (!File.Exists(shardPath))
                    throw new FileNotFoundException($"{indexPath} names shard {shard}, which is missing from {folder}; " +
                        "copy or download it.", shardPath);
                foreach (var (key, tensor) in SafeTensors.Load(shardPath))
                {
                    if (weightMap.TryGetValue(key, out var owner) && owner == shard) tensors[key] = tensor;
                    else tensor.Dispose(); // the index is the authority on which shard holds a key
                }
            }
            var absent = weightMap.Keys.Where(k => !tensors.ContainsKey(k)).ToList();
            if (absent.Count > 0)
                throw new InvalidDataException(
                    $"{indexPath} says {absent[0]} is in {weightMap[absent[0]]}, but that shard lacks it" +
                    (absent.Count > 1 ? $" ({absent.Count - 1} more keys are missing too)." : "."));
            return tensors;
        }
        catch
        {
            foreach (var t in tensors.Values) t.Dispose();
            throw;
        }
    }
}
