using System.Text.Json;
using BertNotebooks.Modeling;
using TorchSharp;

namespace BertNotebooks.Pretrained;

/// <summary>
/// Recovers a Hugging Face BERT state dict (BertModel keys: <c>embeddings.*</c>, <c>encoder.layer.N.*</c>, <c>pooler.*</c>)
/// from an ONNX export of that model.
/// <para>
/// The exporter keeps HF names for parameters used as they are (embeddings, LayerNorms, biases, the pooler's Gemm),
/// but every other Linear's weight becomes an anonymous MatMul input stored transposed, as [in, out]. Its name is found
/// through the graph: the Add that consumes the named bias takes the MatMul's output, and that MatMul's other input is
/// the weight. Transposing it gives HF's [out, in].
/// </para>
/// </summary>
public static class OnnxBertConverter
{
    /// <summary>Buffers that torch exports but that current HF checkpoints no longer save.</summary>
    static readonly HashSet<string> Buffers = ["embeddings.position_ids"];

    /// <summary>The float32 state dict, on the CPU. The caller owns (and disposes) the tensors.</summary>
    public static Dictionary<string, torch.Tensor> StateDict(OnnxModel onnx)
    {
        var producers = onnx.Nodes.SelectMany(n => n.Outputs.Select(o => (Output: o, Node: n)))
            .ToDictionary(p => p.Output, p => p.Node, StringComparer.Ordinal);
        var stateDict = new Dictionary<string, torch.Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var (name, tensor) in onnx.Initializers)
            {
                if (!IsHfName(name) || Buffers.Contains(name)) continue;
                stateDict[name] = ToTorch(tensor);
                if (!name.EndsWith(".bias", StringComparison.Ordinal)) continue;
                var weightName = name[..^".bias".Length] + ".weight";
                if (onnx.Initializers.ContainsKey(weightName)) continue;

                using var inOut = ToTorch(TransposedWeightOf(onnx, producers, name)); // (in, out)
                stateDict[weightName] = inOut.t().contiguous();                        // (out, in)
            }
            return stateDict;
        }
        catch
        {
            foreach (var t in stateDict.Values) t.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The config.json of the model whose <see cref="StateDict"/> this is. Every size but the head count is read off a
    /// weight's shape; the head count only shapes Reshape constants in the graph, so the caller names it.
    /// </summary>
    /// <param name="nameOrPath">Recorded as <c>_name_or_path</c>, as HF does, so the folder says where it came from.</param>
    public static BertConfig Config(IReadOnlyDictionary<string, torch.Tensor> stateDict, int numAttentionHeads, string nameOrPath)
    {
        long Dim(string key, int dim) => stateDict.TryGetValue(key, out var t)
            ? t.shape[dim]
            : throw new InvalidDataException($"The ONNX model has no '{key}', so it is not a BERT export this converter understands.");
        var layers = stateDict.Keys.Where(k => k.StartsWith("encoder.layer.", StringComparison.Ordinal))
            .Select(k => int.Parse(k.Split('.')[2], System.Globalization.CultureInfo.InvariantCulture)).Distinct().Count();
        var config = new BertConfig
        {
            Architectures = ["BertModel"],
            VocabSize = (int)Dim("embeddings.word_embeddings.weight", 0),
            HiddenSize = (int)Dim("embeddings.word_embeddings.weight", 1),
            MaxPositionEmbeddings = (int)Dim("embeddings.position_embeddings.weight", 0),
            TypeVocabSize = (int)Dim("embeddings.token_type_embeddings.weight", 0),
            IntermediateSize = (int)Dim("encoder.layer.0.intermediate.dense.weight", 0),
            NumHiddenLayers = layers,
            NumAttentionHeads = numAttentionHeads,
            HiddenAct = "gelu",
            LayerNormEps = 1e-12,
        };
        config.Extra["_name_or_path"] = JsonSerializer.SerializeToElement(nameOrPath);
        return config;
    }

    /// <summary>Follows bias → Add → MatMul → the MatMul's initializer input.</summary>
    static OnnxTensor TransposedWeightOf(OnnxModel onnx, Dictionary<string, OnnxNode> producers, string biasName)
    {
        var add = onnx.Nodes.SingleOrDefault(n => n.OpType == "Add" && n.Inputs.Contains(biasName))
                  ?? throw new InvalidDataException($"ONNX graph: no single Add node consumes '{biasName}', " +
                      "so its weight cannot be traced.");
        var matMul = add.Inputs.Where(i => i != biasName).Select(i => producers.GetValueOrDefault(i))
                         .SingleOrDefault(n => n?.OpType == "MatMul")
                     ?? throw new InvalidDataException($"ONNX graph: Add node '{add.Name}' (bias '{biasName}') " +
                         "does not take a MatMul's output.");
        var weights = matMul.Inputs.Where(onnx.Initializers.ContainsKey).ToList();
        if (weights.Count != 1)
            throw new InvalidDataException($"ONNX graph: MatMul node '{matMul.Name}' (bias '{biasName}') " +
                $"has {weights.Count} initializer inputs, not one.");
        var weight = onnx.Initializers[weights[0]];
        return weight.Dims.Length == 2 ? weight
            : throw new InvalidDataException($"ONNX graph: the weight of '{biasName}' is {weight}, not a matrix.");
    }

    /// <summary>
    /// HF parameter names look like <c>encoder.layer.0.output.dense.bias</c>; the exporter's own are numbers or <c>onnx::…</c>.
    /// </summary>
    static bool IsHfName(string name) => name.Contains('.') && !name.Contains("::", StringComparison.Ordinal);

    static torch.Tensor ToTorch(OnnxTensor tensor) => tensor.DataType switch
    {
        OnnxTensor.Float => torch.tensor(tensor.ToFloats(), tensor.Dims),
        OnnxTensor.Int64 => torch.tensor(tensor.ToInt64s(), tensor.Dims),
        _ =>
            throw new InvalidDataException($"ONNX tensor {tensor} has an element type this converter does not read " +
                "(float32 and int64 only)."),
    };
}
