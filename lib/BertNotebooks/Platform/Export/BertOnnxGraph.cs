using BertNotebooks.Modeling;
using TorchSharp;

namespace BertNotebooks.Export;

/// <summary>
/// HF BertForSequenceClassification in eval mode (no dropout) written as an ONNX graph, module by module in forward order,
/// with the state dict's tensors as initializers under their HF names (a linear weight transposed, with
/// <c>.transposed</c> after its name). The graph has the interface of transformers' ONNX export:
/// inputs input_ids, attention_mask, token_type_ids (int64, batch_size x sequence_length), output logits (float32,
/// batch_size x num_labels). Its last layer computes [CLS]'s row alone, as the library's classifier does
/// (<see cref="BertForSequenceClassification.FirstTokenOnlyInLastLayer"/>): the same logits for less work.
/// </summary>
public static class BertOnnxGraph
{
    public const string InputIds = "input_ids", AttentionMask = "attention_mask", TokenTypeIds = "token_type_ids", Logits = "logits";
    public const string BatchSize = "batch_size", SequenceLength = "sequence_length";

    /// <param name="stateDict">the classifier's tensors by HF name (bert.embeddings..., classifier.weight), any dtype and device</param>
    public static OnnxGraph Build(BertConfig config, IReadOnlyDictionary<string, torch.Tensor> stateDict)
    {
        config.Validate();
        var g = new OnnxGraph("BertForSequenceClassification");
        var weights = new Weights(g, stateDict);
        var inputIds = g.Input(InputIds, OnnxType.Int64, BatchSize, SequenceLength);
        var attentionMask = g.Input(AttentionMask, OnnxType.Int64, BatchSize, SequenceLength);
        var tokenTypeIds = g.Input(TokenTypeIds, OnnxType.Int64, BatchSize, SequenceLength);

        var hidden = Embeddings(g, weights, config, inputIds, tokenTypeIds);       // (B, T, H)
        var mask = AdditiveMask(g, attentionMask);                                 // (B, 1, 1, T)
        for (int layer = 0; layer < config.NumHiddenLayers - 1; layer++)
            hidden = Layer(g, weights, config, $"bert.encoder.layer.{layer}", hidden, hidden, mask); // (B, T, H)
        var last = $"bert.encoder.layer.{config.NumHiddenLayers - 1}";
        var cls = g.Op("Slice", $"{last}.first_token", [hidden, g.Int64s($"{last}.zero", [0], 1), g.Int64s($"{last}.one", [1], 1),
            g.Int64s($"{last}.axis1", [1], 1)]);                                 // (B, 1, H): [CLS]'s row, the queries
        hidden = Layer(g, weights, config, last, cls, hidden, mask);               // (B, 1, H)
        var pooled = Pooler(g, weights, hidden);                                   // (B, H)
        var logits = Linear(g, weights, "classifier", pooled);                     // (B, C)
        g.Output(logits, Logits, OnnxType.Float, BatchSize, (long)config.NumLabels);
        return g;
    }

    /// <summary>word + position + token type embeddings, then LayerNorm (BertEmbeddings; its dropout is off in eval).</summary>
    static string Embeddings(OnnxGraph g, Weights w, BertConfig config, string inputIds, string tokenTypeIds)
    {
        const string p = "bert.embeddings";
        var words = g.Op("Gather", $"{p}.word_embeddings", [w.Tensor($"{p}.word_embeddings.weight"), inputIds]);     // (B, T, H)
        var types = g.Op("Gather", $"{p}.token_type_embeddings",
            [w.Tensor($"{p}.token_type_embeddings.weight"), tokenTypeIds]);                                            // (B, T, H)
        // Positions 0..T-1 are the first T rows of the position table: Shape(input_ids)[1:2] = [T] ends the slice.
        var length = g.Op("Shape", $"{p}.sequence_length", [inputIds], new OnnxAttribute("start", Int: 1),
            new OnnxAttribute("end", Int: 2));                                                                                 // [T]
        var positions = g.Op("Slice", $"{p}.position_embeddings",
            [w.Tensor($"{p}.position_embeddings.weight"), g.Int64s($"{p}.zero", [0], 1), length, g.Int64s($"{p}.axis0", [0], 1)]); // (T, H)
        var sum = g.Op("Add", $"{p}.sum", [g.Op("Add", $"{p}.words_plus_types", [words, types]), positions]);                 // (B, T, H)
        return LayerNorm(g, w, config, $"{p}.LayerNorm", sum);
    }

    /// <summary>(B, T) 1/0 → (B, 1, 1, T): (1 - mask) * float.MinValue, HF's extended attention mask.</summary>
    static string AdditiveMask(OnnxGraph g, string attentionMask)
    {
        const string p = "bert.extended_attention_mask";
        var keep = g.Op("Cast", $"{p}.float", [attentionMask], new OnnxAttribute("to", Int: (long)OnnxType.Float)); // (B, T)
        var padding = g.Op("Sub", $"{p}.padding", [g.Scalar($"{p}.one", 1f), keep]);
        var additive = g.Op("Mul", $"{p}.additive", [padding, g.Scalar($"{p}.min", float.MinValue)]);
        return g.Op("Unsqueeze", p, [additive, g.Int64s($"{p}.axes", [1, 2], 2)]); // (B, 1, 1, T)
    }

    /// <summary>attention → intermediate → output (BertLayer) for the rows of <paramref name="queries"/> (every token, or
    /// [CLS] alone in the last layer), attending to every token of <paramref name="hidden"/>.</summary>
    static string Layer(OnnxGraph g, Weights w, BertConfig config, string p, string queries, string hidden, string mask)
    {
        var attended = SelfAttention(g, w, config, $"{p}.attention.self", queries, hidden, mask);          // (B, Tq, H)
        var attention = ResidualOutput(g, w, config, $"{p}.attention.output", attended, queries);          // (B, Tq, H)
        var intermediate = Activation(g, config.HiddenAct, $"{p}.intermediate.intermediate_act_fn",
            Linear(g, w, $"{p}.intermediate.dense", attention));                                           // (B, Tq, I)
        return ResidualOutput(g, w, config, $"{p}.output", intermediate, attention);                       // (B, Tq, H)
    }

    /// <summary>softmax(Q Kᵀ / √hs + mask) V for each head (BertSelfAttention): Q from <paramref name="queries"/>, K and V
    /// from <paramref name="hidden"/>.</summary>
    static string SelfAttention(OnnxGraph g, Weights w, BertConfig config, string p, string queries, string hidden, string mask)
    {
        int heads = config.NumAttentionHeads, headSize = config.AttentionHeadSize;
        var splitShape = g.Int64s($"{p}.split_heads", [0, 0, heads, headSize], 4); // 0 keeps B and T
        string Heads(string projection, string x, long[] perm) => g.Op("Transpose", $"{p}.{projection}.heads",
            [g.Op("Reshape", $"{p}.{projection}.split", [Linear(g, w, $"{p}.{projection}", x), splitShape])],
            new OnnxAttribute("perm", Ints: perm));
        var q = Heads("query", queries, [0, 2, 1, 3]);  // (B, nh, Tq, hs)
        var kT = Heads("key", hidden, [0, 2, 3, 1]);    // (B, nh, hs, T)
        var v = Heads("value", hidden, [0, 2, 1, 3]);   // (B, nh, T, hs)
        var scores = g.Op("Mul", $"{p}.scaled_scores",
            [g.Op("MatMul", $"{p}.scores", [q, kT]), g.Scalar($"{p}.scale", (float)(1.0 / Math.Sqrt(headSize)))]); // (B, nh, Tq, T)
        var probabilities = g.Op("Softmax", $"{p}.probabilities", [g.Op("Add", $"{p}.masked_scores", [scores, mask])],
            new OnnxAttribute("axis", Int: -1));                                                                     // (B, nh, Tq, T)
        var context = g.Op("Transpose", $"{p}.context.heads", [g.Op("MatMul", $"{p}.context", [probabilities, v])],
            new OnnxAttribute("perm", Ints: [0, 2, 1, 3]));                                                          // (B, Tq, nh, hs)
        return g.Op("Reshape", $"{p}.context.merged", [context, g.Int64s($"{p}.merge_heads", [0, 0, heads * headSize], 3)]); // (B, Tq, H)
    }

    /// <summary>dense → LayerNorm(x + residual) (HF's BertSelfOutput and BertOutput).</summary>
    static string ResidualOutput(OnnxGraph g, Weights w, BertConfig config, string p, string x, string residual) =>
        LayerNorm(g, w, config, $"{p}.LayerNorm", g.Op("Add", $"{p}.residual", [Linear(g, w, $"{p}.dense", x), residual]));

    /// <summary>dense → tanh on the [CLS] vector (BertPooler).</summary>
    static string Pooler(OnnxGraph g, Weights w, string hidden)
    {
        const string p = "bert.pooler";
        var first = g.Op("Gather", $"{p}.first_token", [hidden, g.Int64s($"{p}.index0", [0])], new OnnxAttribute("axis", Int: 1)); // (B, H)
        return g.Op("Tanh", $"{p}.activation", [Linear(g, w, $"{p}.dense", first)]);
    }

    /// <summary>x Wᵀ + b: the weight is stored transposed, (in, out), so that MatMul takes it as it is.</summary>
    static string Linear(OnnxGraph g, Weights w, string p, string x) =>
        g.Op("Add", p, [g.Op("MatMul", $"{p}.MatMul", [x, w.Transposed($"{p}.weight")]), w.Tensor($"{p}.bias")]);

    static string LayerNorm(OnnxGraph g, Weights w, BertConfig config, string p, string x) =>
        g.Op("LayerNormalization", p, [x, w.Tensor($"{p}.weight"), w.Tensor($"{p}.bias")],
            new OnnxAttribute("axis", Int: -1), new OnnxAttribute("epsilon", Float: (float)config.LayerNormEps));

    /// <summary>HF's ACT2FN, the same names as <see cref="Activations"/>: "gelu" is the exact GELU, x/2 (1 + erf(x/√2)).</summary>
    static string Activation(OnnxGraph g, string hiddenAct, string p, string x)
    {
        switch (hiddenAct)
        {
            case "gelu":
                var scaled = g.Op("Mul", $"{p}.scaled", [x, g.Scalar($"{p}.inv_sqrt2", (float)(1 / Math.Sqrt(2)))]);
                return HalfXTimesOnePlus(g, p, x, g.Op("Erf", $"{p}.erf", [scaled]));
            case "gelu_new" or "gelu_pytorch_tanh": // x/2 (1 + tanh(√(2/π) (x + 0.044715 x³)))
                var cube = g.Op("Mul", $"{p}.cube", [g.Op("Mul", $"{p}.square", [x, x]), x]);
                var inner = g.Op("Add", $"{p}.inner", [x, g.Op("Mul", $"{p}.cubic_term", [cube, g.Scalar($"{p}.coefficient", 0.044715f)])]);
                var argument = g.Op("Mul", $"{p}.argument", [inner, g.Scalar($"{p}.sqrt_2_over_pi", (float)Math.Sqrt(2 / Math.PI))]);
                return HalfXTimesOnePlus(g, p, x, g.Op("Tanh", $"{p}.tanh", [argument]));
            case "relu":
                return g.Op("Relu", p, [x]);
            case "silu" or "swish":
                return g.Op("Mul", p, [x, g.Op("Sigmoid", $"{p}.sigmoid", [x])]);
            default:
                throw new NotSupportedException($"hidden_act '{hiddenAct}' has no ONNX form here; " +
                    $"use one of {string.Join(", ", Activations.Names)}.");
        }
    }

    /// <summary>x/2 (1 + y): both GELUs end this way.</summary>
    static string HalfXTimesOnePlus(OnnxGraph g, string p, string x, string y)
    {
        var half = g.Op("Mul", $"{p}.half_x", [x, g.Scalar($"{p}.half", 0.5f)]);
        return g.Op("Mul", p, [half, g.Op("Add", $"{p}.one_plus", [g.Scalar($"{p}.one", 1f), y])]);
    }

    /// <summary>The state dict's tensors as float32 initializers, each added once under its HF name.</summary>
    sealed class Weights(OnnxGraph g, IReadOnlyDictionary<string, torch.Tensor> stateDict)
    {
        public string Tensor(string key) => Add(key, transpose: false, key);

        /// <summary>A linear layer's (out, in) weight as (in, out), named <c>key.transposed</c>.</summary>
        public string Transposed(string key) => Add(key, transpose: true, $"{key}.transposed");

        string Add(string key, bool transpose, string name)
        {
            if (!stateDict.TryGetValue(key, out var tensor))
                throw new InvalidDataException($"The state dict has no {key}; " +
                    "it is not a BertForSequenceClassification with this config.json.");
            using var scope = torch.NewDisposeScope();
            var source = transpose ? tensor.t() : tensor;
            var values = source.detach().to(torch.float32).cpu().contiguous().data<float>().ToArray();
            return g.Weight(name, values, [.. source.shape]);
        }
    }
}
