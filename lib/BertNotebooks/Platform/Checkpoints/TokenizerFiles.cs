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
    public const string FastTokenizer = HfTokenizerJson.FileName;

    static readonly (string Name, string Token)[] SpecialTokens =
        [("cls_token", "[CLS]"), ("mask_token", "[MASK]"), ("pad_token", "[PAD]"), ("sep_token", "[SEP]"), ("unk_token", "[UNK]")];

    /// <summary>
    /// Writes vocab.txt (LF line endings), tokenizer_config.json, special_tokens_map.json and tokenizer.json (the same
    /// tokenizer in the fast-tokenizer format) into <paramref name="folder"/>.
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
        WriteFastTokenizer(folder, tokens, doLowerCase, stripAccents: null, handleChineseChars: true);
    }

    /// <summary>
    /// Writes tokenizer.json for a folder that has vocab.txt (and maybe tokenizer_config.json) but was saved before
    /// tokenizer.json was: the normalizer follows its tokenizer_config.json. Returns the file's path.
    /// </summary>
    public static string WriteFastTokenizer(string folder)
    {
        var vocabPath = Path.Combine(folder, Vocab);
        if (!File.Exists(vocabPath)) throw new FileNotFoundException($"{folder} has no {Vocab}; tokenizer.json is written from it. " +
            "Save the model with its tokenizer (SavePretrained with a tokenizer source).", vocabPath);
        var tokens = File.ReadAllLines(vocabPath).ToList();
        if (tokens.Count > 0 && tokens[^1].Length == 0) tokens.RemoveAt(tokens.Count - 1);
        return WriteFastTokenizer(folder, tokens, ReadDoLowerCase(folder), ReadOptionalBool(folder, "strip_accents"),
            ReadOptionalBool(folder, "tokenize_chinese_chars") ?? true);
    }

    static string WriteFastTokenizer(string folder, IReadOnlyList<string> tokens, bool doLowerCase, bool? stripAccents,
        bool handleChineseChars)
    {
        var path = Path.Combine(folder, FastTokenizer);
        var json = HfTokenizerJson.Build(tokens, doLowerCase, stripAccents, handleChineseChars);
        AtomicFile.WriteAllText(path, json.ToJsonString(Json.Indented) + "\n");
        return path;
    }

    /// <summary>tokenizer_config.json's do_lower_case; true (HF's BertTokenizer default) when the file or the field is absent.</summary>
    public static bool ReadDoLowerCase(string folder) => ReadOptionalBool(folder, "do_lower_case") ?? true;

    /// <summary>A true/false field of tokenizer_config.json; null when the file or the field is absent or null.</summary>
    static bool? ReadOptionalBool(string folder, string field)
    {
        var path = Path.Combine(folder, Config);
        if (!File.Exists(path)) return null;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            if (!doc.RootElement.TryGetProperty(field, out var value)) return null;
            return value.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                JsonValueKind.Null => null,
                _ => throw new InvalidDataException($"{path}: {field} is {value}; it must be true, false or null."),
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
