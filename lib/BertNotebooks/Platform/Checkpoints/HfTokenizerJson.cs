using System.Text.Json.Nodes;

namespace BertNotebooks.Checkpoints;

/// <summary>
/// tokenizer.json, the Hugging Face fast-tokenizer format (what <c>tokenizers.Tokenizer.from_file</c>, transformers.js and
/// <c>AutoTokenizer</c> read first), for a BERT WordPiece vocabulary: the same set-up as bert-base-uncased's file, with the
/// normalizer following tokenizer_config.json. Padding and truncation are off: the caller chooses them per call.
/// </summary>
public static class HfTokenizerJson
{
    public const string FileName = "tokenizer.json";

    /// <summary>The five BERT special tokens; HF matches them in raw text and never splits them.</summary>
    public static readonly string[] SpecialTokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];

    /// <param name="vocab">the tokens in id order (vocab.txt's lines); it must hold the five special tokens</param>
    /// <param name="doLowerCase">tokenizer_config.json's do_lower_case: the normalizer lowercases (and strips accents) when true</param>
    /// <param name="stripAccents">tokenizer_config.json's strip_accents: null follows <paramref name="doLowerCase"/>, as in HF</param>
    /// <param name="handleChineseChars">tokenizer_config.json's tokenize_chinese_chars: a space around each CJK character</param>
    public static JsonObject Build(IReadOnlyList<string> vocab, bool doLowerCase, bool? stripAccents = null, bool handleChineseChars = true)
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int id = 0; id < vocab.Count; id++) ids[vocab[id]] = id; // a repeated line keeps its last id, as HF's load_vocab
        var absent = SpecialTokens.Where(t => !ids.ContainsKey(t)).ToList();
        if (absent.Count > 0)
            throw new InvalidDataException($"The vocabulary lacks {string.Join(", ", absent)}; it is not a BERT WordPiece vocabulary.");

        var vocabObject = new JsonObject();
        foreach (var (token, id) in ids.OrderBy(p => p.Value)) vocabObject[token] = id;
        return new JsonObject
        {
            ["version"] = "1.0",
            ["truncation"] = null,
            ["padding"] = null,
            ["added_tokens"] = new JsonArray([.. SpecialTokens.OrderBy(t => ids[t]).Select(t => AddedToken(t, ids[t]))]),
            ["normalizer"] = new JsonObject
            {
                ["type"] = "BertNormalizer",
                ["clean_text"] = true,
                ["handle_chinese_chars"] = handleChineseChars,
                ["strip_accents"] = stripAccents,
                ["lowercase"] = doLowerCase,
            },
            ["pre_tokenizer"] = new JsonObject { ["type"] = "BertPreTokenizer" },
            ["post_processor"] = new JsonObject
            {
                ["type"] = "TemplateProcessing",
                // [CLS] $A [SEP] and [CLS] $A [SEP] $B:1 [SEP]:1
                ["single"] = new JsonArray(Special("[CLS]", 0), Sequence("A", 0), Special("[SEP]", 0)),
                ["pair"] = new JsonArray(Special("[CLS]", 0), Sequence("A", 0), Special("[SEP]", 0), Sequence("B", 1), Special("[SEP]", 1)),
                ["special_tokens"] = new JsonObject
                {
                    ["[CLS]"] = TemplateToken("[CLS]", ids["[CLS]"]),
                    ["[SEP]"] = TemplateToken("[SEP]", ids["[SEP]"]),
                },
            },
            ["decoder"] = new JsonObject { ["type"] = "WordPiece", ["prefix"] = "##", ["cleanup"] = true },
            ["model"] = new JsonObject
            {
                ["type"] = "WordPiece",
                ["unk_token"] = "[UNK]",
                ["continuing_subword_prefix"] = "##",
                ["max_input_chars_per_word"] = 100,
                ["vocab"] = vocabObject,
            },
        };
    }

    static JsonObject AddedToken(string token, int id) => new()
    {
        ["id"] = id,
        ["content"] = token,
        ["single_word"] = false,
        ["lstrip"] = false,
        ["rstrip"] = false,
        ["normalized"] = false,
        ["special"] = true,
    };

    static JsonObject Special(string token, int typeId) =>
        new() { ["SpecialToken"] = new JsonObject { ["id"] = token, ["type_id"] = typeId } };

    static JsonObject Sequence(string which, int typeId) =>
        new() { ["Sequence"] = new JsonObject { ["id"] = which, ["type_id"] = typeId } };

    static JsonObject TemplateToken(string token, int id) =>
        new() { ["id"] = token, ["ids"] = new JsonArray(id), ["tokens"] = new JsonArray(token) };
}
