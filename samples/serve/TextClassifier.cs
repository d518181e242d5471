using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.Tokenizers;

namespace BertNotebooks.Serve;

/// <summary>A label and its probability.</summary>
public sealed record LabelScore(string Label, float Score);

/// <summary>A model folder the classifier cannot use: the message names the file and the fix.</summary>
public sealed class ModelFolderException(string message) : Exception(message);

/// <summary>
/// A fine-tuned BERT classifier from a saved model folder: <c>vocab.txt</c> and <c>tokenizer_config.json</c> for the
/// tokenizer, <c>config.json</c> for the labels (<c>id2label</c>) and the longest input, <c>onnx/model.onnx</c> for the
/// network. Thread-safe: one instance serves every request.
/// </summary>
public sealed class TextClassifier : IDisposable
{
    /// <summary>The longest input BERT takes, [CLS] and [SEP] included (transformers' model_max_length).</summary>
    public const int MaxSupportedLength = 512;

    readonly BertTokenizer _tokenizer;
    readonly InferenceSession _session;
    readonly string[] _labels;
    readonly int _maxLength;

    TextClassifier(BertTokenizer tokenizer, InferenceSession session, string[] labels, int maxLength)
    {
        (_tokenizer, _session, _labels, _maxLength) = (tokenizer, session, labels, maxLength);
    }

    public IReadOnlyList<string> Labels => _labels;

    /// <summary>Loads <paramref name="modelFolder"/>; a missing folder or file is a <see cref="ModelFolderException"/>.</summary>
    public static TextClassifier Load(string modelFolder)
    {
        if (!Directory.Exists(modelFolder))
            throw new ModelFolderException($"model folder {Path.GetFullPath(modelFolder)} does not exist; " +
                "pass the folder that holds config.json, vocab.txt and onnx/model.onnx.");
        var config = ReadJson(modelFolder, "config.json");
        if (!config.TryGetProperty("id2label", out var id2label))
            throw new ModelFolderException($"{Path.GetFullPath(modelFolder)}/config.json has no id2label; " +
                "save the model with its class names.");
        var labels = id2label.EnumerateObject()
            .OrderBy(entry => int.Parse(entry.Name)).Select(entry => entry.Value.GetString()!).ToArray();
        int positions = config.TryGetProperty("max_position_embeddings", out var p) ? p.GetInt32() : MaxSupportedLength;
        var tokenizer = LoadTokenizer(modelFolder);
        var onnx = Require(modelFolder, Path.Combine("onnx", "model.onnx"));
        return new TextClassifier(tokenizer, new InferenceSession(onnx), labels, Math.Min(MaxSupportedLength, positions));
    }

    /// <summary>
    /// Microsoft.ML.Tokenizers' BertTokenizer set up as the model's tokenizer_config.json says (transformers' defaults
    /// where it is silent): lowercasing, accent stripping (follows lowercasing unless <c>strip_accents</c> is set), CJK
    /// characters as words, and the basic tokenization (clean up, split on whitespace and punctuation) before WordPiece.
    /// </summary>
    public static BertTokenizer LoadTokenizer(string modelFolder)
    {
        var vocab = Require(modelFolder, "vocab.txt");
        var settings = File.Exists(Path.Combine(modelFolder, "tokenizer_config.json"))
            ? ReadJson(modelFolder, "tokenizer_config.json")
            : default;
        bool lowerCase = Flag(settings, "do_lower_case") ?? true;
        bool stripAccents = Flag(settings, "strip_accents") ?? lowerCase;
        bool cjk = Flag(settings, "tokenize_chinese_chars") ?? true;
        return BertTokenizer.Create(vocab, new BertOptions
        {
            LowerCaseBeforeTokenization = lowerCase,
            RemoveNonSpacingMarks = stripAccents,
            IndividuallyTokenizeCjk = cjk,
            ApplyBasicTokenization = Flag(settings, "do_basic_tokenize") ?? true,
            Normalizer = new HfBertNormalizer(lowerCase, cjk, stripAccents),
            PreTokenizer = HfBertNormalizer.PreTokenizer,
        });
    }

    /// <summary>[CLS] text [SEP], the text's tokens cut from the end so that all fit in <paramref name="maxLength"/>.</summary>
    public static int[] Encode(BertTokenizer tokenizer, string text, int maxLength = MaxSupportedLength)
    {
        var ids = tokenizer.EncodeToIds(text, addSpecialTokens: false);
        return [tokenizer.ClassificationTokenId, .. ids.Take(maxLength - 2), tokenizer.SeparatorTokenId];
    }

    /// <summary>Every label with its probability, the most probable first.</summary>
    public IReadOnlyList<LabelScore> Classify(string text)
    {
        long[] ids = [.. Encode(_tokenizer, text, _maxLength).Select(id => (long)id)];
        long[] shape = [1, ids.Length]; // (B=1, T)
        var inputs = new Dictionary<string, OrtValue>
        {
            ["input_ids"] = OrtValue.CreateTensorValueFromMemory(ids, shape),
            ["attention_mask"] = OrtValue.CreateTensorValueFromMemory(Filled(ids.Length, 1), shape), // no padding
            ["token_type_ids"] = OrtValue.CreateTensorValueFromMemory(Filled(ids.Length, 0), shape), // one segment
        };
        try
        {
            using var outputs = _session.Run(new RunOptions(), inputs, ["logits"]);
            var probabilities = Softmax(outputs[0].GetTensorDataAsSpan<float>()); // (1, C) → (C)
            return [.. probabilities.Select((score, i) => new LabelScore(_labels[i], score)).OrderByDescending(s => s.Score)];
        }
        finally
        {
            foreach (var value in inputs.Values) value.Dispose();
        }
    }

    static float[] Softmax(ReadOnlySpan<float> logits)
    {
        float max = float.NegativeInfinity;
        foreach (var logit in logits) max = Math.Max(max, logit);
        var exp = new double[logits.Length];
        for (int i = 0; i < logits.Length; i++) exp[i] = Math.Exp(logits[i] - max); // shifted: no overflow
        double sum = exp.Sum();
        return [.. exp.Select(e => (float)(e / sum))];
    }

    static long[] Filled(int length, long value)
    {
        var values = new long[length];
        Array.Fill(values, value);
        return values;
    }

    static string Require(string folder, string file)
    {
        var path = Path.Combine(folder, file);
        return File.Exists(path) ? path : throw new ModelFolderException($"{Path.GetFullPath(path)} is missing; " +
            "export the model with `bertnb export --run-name NAME` (it writes onnx/model.onnx beside the tokenizer files).");
    }

    static JsonElement ReadJson(string folder, string file)
    {
        var path = Require(folder, file);
        try
        {
            return JsonDocument.Parse(File.ReadAllText(path)).RootElement;
        }
        catch (JsonException e)
        {
            throw new ModelFolderException($"{Path.GetFullPath(path)} is not valid JSON ({e.Message}); save the model again.");
        }
    }

    static bool? Flag(JsonElement settings, string name) =>
        settings.ValueKind == JsonValueKind.Object && settings.TryGetProperty(name, out var value) &&
        value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? value.GetBoolean()
            : null;

    public void Dispose() => _session.Dispose();
}
