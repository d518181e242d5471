using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using BertNotebooks.IO;

namespace BertNotebooks.Modeling;

/// <summary>
/// A Hugging Face BERT <c>config.json</c>. Properties carry the HF snake_case names in JSON; the defaults are
/// bert-base-uncased's. Fields this class does not model (for example <c>transformers_version</c>) survive a round trip.
/// </summary>
public sealed class BertConfig
{
    [JsonPropertyName("model_type")] public string ModelType { get; set; } = "bert";
    [JsonPropertyName("architectures")] public List<string>? Architectures { get; set; }
    [JsonPropertyName("vocab_size")] public int VocabSize { get; set; } = 30522;
    [JsonPropertyName("hidden_size")] public int HiddenSize { get; set; } = 768;
    [JsonPropertyName("num_hidden_layers")] public int NumHiddenLayers { get; set; } = 12;
    [JsonPropertyName("num_attention_heads")] public int NumAttentionHeads { get; set; } = 12;
    [JsonPropertyName("intermediate_size")] public int IntermediateSize { get; set; } = 3072;
    [JsonPropertyName("hidden_act")] public string HiddenAct { get; set; } = "gelu";
    [JsonPropertyName("hidden_dropout_prob")] public double HiddenDropoutProb { get; set; } = 0.1;
    [JsonPropertyName("attention_probs_dropout_prob")] public double AttentionProbsDropoutProb { get; set; } = 0.1;
    [JsonPropertyName("max_position_embeddings")] public int MaxPositionEmbeddings { get; set; } = 512;
    [JsonPropertyName("type_vocab_size")] public int TypeVocabSize { get; set; } = 2;
    [JsonPropertyName("initializer_range")] public double InitializerRange { get; set; } = 0.02;
    [JsonPropertyName("layer_norm_eps")] public double LayerNormEps { get; set; } = 1e-12;
    [JsonPropertyName("pad_token_id")] public int? PadTokenId { get; set; } = 0;
    /// <summary>Dropout before the classifier; null means <see cref="HiddenDropoutProb"/>, as in HF.</summary>
    [JsonPropertyName("classifier_dropout")] public double? ClassifierDropout { get; set; }
    [JsonPropertyName("position_embedding_type")] public string PositionEmbeddingType { get; set; } = "absolute";
    /// <summary>"single_label_classification", "multi_label_classification", "regression", or null (inferred, as in HF).</summary>
    [JsonPropertyName("problem_type")] public string? ProblemType { get; set; }
    [JsonPropertyName("id2label")] public Dictionary<string, string> Id2Label { get; set; } = DefaultLabels(2).Id2Label;
    [JsonPropertyName("label2id")] public Dictionary<string, int> Label2Id { get; set; } = DefaultLabels(2).Label2Id;

    /// <summary>Fields this class does not model, kept so that saving writes them back.</summary>
    [JsonExtensionData] public Dictionary<string, JsonElement> Extra { get; set; } = new();

    /// <summary>num_labels in HF: the classifier's output size.</summary>
    [JsonIgnore]
    public int NumLabels
    {
        get => Id2Label.Count;
        set => (Id2Label, Label2Id) = DefaultLabels(value);
    }

    /// <summary>The class names in id order; setting them rewrites id2label and label2id.</summary>
    [JsonIgnore]
    public IReadOnlyList<string> ClassNames
    {
        get => ClassNamesFromId2Label();
        set
        {
            if (value.Count == 0) throw new ArgumentException("A classifier needs at least one class name.", nameof(value));
            var duplicate = value.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null) throw new ArgumentException($"Class name '{duplicate.Key}' appears twice; " +
                "class names must be unique.", nameof(value));
            Id2Label = value.Select((n, i) => (n, i))
                .ToDictionary(p => p.i.ToString(System.Globalization.CultureInfo.InvariantCulture), p => p.n);
            Label2Id = value.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i);
        }
    }

    /// <summary>The dropout applied before the classifier: classifier_dropout when set, else hidden_dropout_prob.</summary>
    [JsonIgnore] public double EffectiveClassifierDropout => ClassifierDropout ?? HiddenDropoutProb;

    [JsonIgnore] public int AttentionHeadSize => HiddenSize / NumAttentionHeads;

    static readonly JsonSerializerOptions Options = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static BertConfig Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"config.json {path} does not exist.", path);
        try { return FromJson(File.ReadAllText(path)); }
        catch (Exception e) when (e is JsonException or InvalidDataException or NotSupportedException)
        {
            throw e is NotSupportedException
                ? new NotSupportedException($"{path}: {e.Message}", e)
                : new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    public static BertConfig FromJson(string json)
    {
        JsonObject node;
        try { node = JsonNode.Parse(json) as JsonObject ?? throw new InvalidDataException("config.json must hold a JSON object."); }
        catch (JsonException e) { throw new InvalidDataException($"config.json is not valid JSON: {e.Message}", e); }

        // HF accepts num_labels in place of id2label (it never writes it back); without either it means 2 labels.
        var numLabels = node["num_labels"]?.GetValue<int>();
        node.Remove("num_labels");
        BertConfig config;
        try { config = node.Deserialize<BertConfig>(Options) ?? throw new InvalidDataException("config.json is null."); }
        catch (JsonException e) { throw new InvalidDataException($"config.json has a field of the wrong type: {e.Message}", e); }
        if (numLabels is int n && !node.ContainsKey("id2label")) config.NumLabels = n;
        if (!node.ContainsKey("label2id") && node.ContainsKey("id2label")) config.ClassNames = config.ClassNamesFromId2Label();
        config.Validate();
        return config;
    }

    /// <summary>The JSON text with keys sorted, as <c>save_pretrained</c> writes it.</summary>
    public string ToJson()
    {
        var node = JsonSerializer.SerializeToNode(this, Options)!.AsObject();
        var sorted = new JsonObject();
        foreach (var key in node.Select(p => p.Key).OrderBy(k => k, StringComparer.Ordinal).ToList())
        {
            var value = node[key];
            node.Remove(key);
            sorted[key] = value;
        }
        return sorted.ToJsonString(Json.Indented) + "\n";
    }

    public void Save(string path) => AtomicFile.WriteAllText(path, ToJson());

    public BertConfig Clone() => FromJson(ToJson());

    /// <summary>
    /// Throws, naming the field and what to do, when this configuration describes a model BertNotebooks cannot build. Two
    /// callers: <see cref="FromJson"/> (a config.json as it is read) and the <see cref="BertModel"/> constructor (every
    /// model, whatever made its config).
    /// </summary>
    public void Validate()
    {
        if (ModelType != "bert")
            throw new NotSupportedException(
                $"model_type '{ModelType}' is not supported yet; " +
                "BertNotebooks supports BERT-architecture checkpoints (model_type 'bert').");
        if (!Activations.Names.Contains(HiddenAct))
            throw new NotSupportedException($"hidden_act '{HiddenAct}' is not supported; " +
                $"use one of {string.Join(", ", Activations.Names)}.");
        if (PositionEmbeddingType != "absolute")
            throw new NotSupportedException(
                $"position_embedding_type '{PositionEmbeddingType}' is not supported; " +
                "BertNotebooks implements 'absolute' position embeddings only.");
        Positive(VocabSize, "vocab_size"); Positive(HiddenSize, "hidden_size"); Positive(NumHiddenLayers, "num_hidden_layers");
        Positive(NumAttentionHeads, "num_attention_heads"); Positive(IntermediateSize, "intermediate_size");
        Positive(MaxPositionEmbeddings, "max_position_embeddings"); Positive(TypeVocabSize, "type_vocab_size");
        if (HiddenSize % NumAttentionHeads != 0)
            throw new InvalidDataException($"hidden_size {HiddenSize} is not a multiple of num_attention_heads {NumAttentionHeads}.");
        Probability(HiddenDropoutProb, "hidden_dropout_prob"); Probability(AttentionProbsDropoutProb, "attention_probs_dropout_prob");
        if (ClassifierDropout is double c) Probability(c, "classifier_dropout");
        if (Id2Label.Count == 0) throw new InvalidDataException("id2label is empty; a classifier needs at least one label.");
        ClassNamesFromId2Label();
    }

    List<string> ClassNamesFromId2Label()
    {
        var ids = new List<(int Id, string Name)>();
        foreach (var (key, name) in Id2Label)
        {
            if (!int.TryParse(key, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id))
                throw new InvalidDataException($"id2label key '{key}' is not a label id; keys must be \"0\" to \"{Id2Label.Count - 1}\".");
            ids.Add((id, name));
        }
        ids.Sort();
        for (int i = 0; i < ids.Count; i++)
            if (ids[i].Id != i)
                throw new InvalidDataException($"id2label lacks id {i}; keys must be \"0\" to \"{Id2Label.Count - 1}\" with none missing.");
        return ids.Select(p => p.Name).ToList();
    }

    static (Dictionary<string, string> Id2Label, Dictionary<string, int> Label2Id) DefaultLabels(int count)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "num_labels must be at least 1.");
        var names = Enumerable.Range(0, count).Select(i => $"LABEL_{i}").ToList();
        return (names.Select((n, i) => (n, i)).ToDictionary(p => p.i.ToString(System.Globalization.CultureInfo.InvariantCulture), p => p.n),
                names.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i));
    }

    static void Positive(int value, string name)
    {
        if (value <= 0) throw new InvalidDataException($"{name} is {value}; it must be positive.");
    }

    static void Probability(double value, string name)
    {
        if (value is < 0 or >= 1 || double.IsNaN(value))
            throw new InvalidDataException($"{name} is {value}; a dropout probability must be in [0, 1).");
    }
}
