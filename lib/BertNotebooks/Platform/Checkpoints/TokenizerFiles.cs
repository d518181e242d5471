using System.Text.Json;
using System.Text.Json.Nodes;
using BertNotebooks.IO;

namespace BertNotebooks.Checkpoints;

/// <summary>The WordPiece tokenizer files of an HF folder, so that <c>AutoTokenizer.from_pretrained</c> reads what we save.</summary>
public static class TokenizerFiles
{
    public const string Vocab = "vocab.txt";
    public const string Config = "tokenizer_config.json";
    public const string SpecialTokensMap = "special_tokens_map.json";

    static readonly (string Name, string Token)[] SpecialTokens =
        [("cls_token", "[CLS]"), ("mask_token", "[MASK]"), ("pad_token", "[PAD]"), ("sep_token", "[SEP]"), ("unk_token", "[UNK]")];

    /// <summary>
    /// Writes vocab.txt (LF line endings), tokenizer_config.json and special_tokens_map.json into <paramref name="folder"/>.
    /// </summary>
    public static void Write(string folder, string vocabPath, bool doLowerCase, int modelMaxLength = 512)
    {
        if (!File.Exists(vocabPath)) throw new FileNotFoundException($"Vocabulary {vocabPath} does not exist; " +
            "the tokenizer files need the model's vocab.txt.", vocabPath);
        var tokens = File.ReadAllLines(vocabPath).ToList();
        // A trailing empty line is the file's final newline, not a token.
        if (tokens.Count > 0 && tokens[^1].Length == 0) tokens.RemoveAt(tokens.Count - 1);
        var known = tokens.ToHashSet(StringComparer.Ordinal);
        var absent = SpecialTokens.Select(s => s.Token).Where(t => !known.Contains(t)).ToList();
        if (absent.Count > 0) throw new InvalidDataException($"{vocabPath} lacks the special tokens {string.Join(", ", absent)}; " +
            "it is not a BERT WordPiece vocabulary.");

        AtomicFile.WriteAllText(Path.Combine(folder, Vocab), string.Join("\n", tokens) + "\n");
        var config = new JsonObject
        {
            ["do_basic_tokenize"] = true,
            ["do_lower_case"] = doLowerCase,
            ["model_max_length"] = modelMaxLength,
            ["never_split"] = null,
            ["strip_accents"] = null,
            ["tokenize_chinese_chars"] = true,
            ["tokenizer_class"] = "BertTokenizer",
        };
        var map = new JsonObject();
        foreach (var (name, token) in SpecialTokens)
        {
            config[name] = token;
            map[name] = token;
        }
        AtomicFile.WriteAllText(Path.Combine(folder, Config), Sorted(config).ToJsonString(Json.Indented) + "\n");
        AtomicFile.WriteAllText(Path.Combine(folder, SpecialTokensMap), map.ToJsonString(Json.Indented) + "\n");
    }

    /// <summary>tokenizer_config.json's do_lower_case; true (HF's BertTokenizer default) when the file or the field is absent.</summary>
    public static bool ReadDoLowerCase(string folder)
    {
        var path = Path.Combine(folder, Config);
        if (!File.Exists(path)) return true;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            if (!doc.RootElement.TryGetProperty("do_lower_case", out var value)) return true;
            return value.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw new InvalidDataException($"{path}: do_lower_case is {value}; it must be true or false."),
            };
        }
        catch (JsonException e) { throw new InvalidDataException($"{path} is not valid JSON: {e.Message}", e); }
    }

    static JsonObject Sorted(JsonObject node)
    {
        var sorted = new JsonObject();
        foreach (var key in node.Select(p => p.Key).Order(StringComparer.Ordinal).ToList())
        {
            var value = node[key];
            node.Remove(key);
            sorted[key] = value;
        }
        return sorted;
    }
}
