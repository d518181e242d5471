using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using BertNotebooks.Checkpoints;

namespace BertNotebooks.Tokenization;

/// <summary>
/// BERT's WordPiece tokenization, id for id what Hugging Face's <c>BertTokenizerFast</c> gives: HF's normalizer and
/// pre-tokenizer (<see cref="BertWordSplitter"/>), then HF's WordPiece on each word (<see cref="Tokenization.WordPiece"/>),
/// then [CLS]/[SEP], segment ids and truncation like HF's <c>truncation=True</c> (longest_first for pairs).
/// Thread-safe: one instance can encode from many threads.
/// </summary>
public sealed class BertTextEncoder
{
    /// <summary>The longest input BERT's tokenizers accept (HF's model_max_length for BERT).</summary>
    public const int MaxSupportedLength = 512;

    readonly WordPiece _wordPiece;
    readonly BertWordSplitter _splitter;
    readonly string[] _idToToken;
    readonly HashSet<int> _specialIds;
    // Encode's ids, one list per thread, so that encoding a text allocates only its result. Truncated encodings only:
    // those never grow it past the max length plus one word's pieces.
    [ThreadStatic] static List<int>? t_ids;

    BertTextEncoder(string vocabPath, bool doLowerCase, int? maxPositionEmbeddings)
    {
        var tokens = ReadVocab(vocabPath);
        _idToToken = tokens;
        var specials = new Dictionary<string, int>();
        foreach (var name in new[] { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]" })
        {
            int id = Array.IndexOf(tokens, name);
            if (id < 0) throw new InvalidDataException($"{vocabPath} has no '{name}' line; " +
                "a BERT vocab.txt needs [PAD], [UNK], [CLS], [SEP] and [MASK].");
            specials[name] = id;
        }
        _specialIds = [.. specials.Values];
        PadTokenId = specials["[PAD]"];
        UnknownTokenId = specials["[UNK]"];
        ClassificationTokenId = specials["[CLS]"];
        SeparatorTokenId = specials["[SEP]"];
        DoLowerCase = doLowerCase;
        MaxLengthLimit = Math.Min(MaxSupportedLength, maxPositionEmbeddings ?? MaxSupportedLength);
        _splitter = new BertWordSplitter(specials, doLowerCase);
        _wordPiece = new WordPiece(tokens, UnknownTokenId);
    }

    /// <summary>
    /// Reads vocab.txt, tokenizer_config.json's <c>do_lower_case</c> (default true) and config.json's <c>max_position_embeddings</c> from
    /// an HF model folder.
    /// </summary>
    public static BertTextEncoder FromFolder(string modelFolder)
    {
        if (!Directory.Exists(modelFolder))
            throw new DirectoryNotFoundException($"Model folder {Path.GetFullPath(modelFolder)} does not exist; " +
                "pass the folder that holds vocab.txt and config.json.");
        var vocab = Path.Combine(modelFolder, "vocab.txt");
        if (!File.Exists(vocab))
            throw new FileNotFoundException($"Model folder {Path.GetFullPath(modelFolder)} has no vocab.txt; " +
                "copy the model's WordPiece vocabulary there (save_pretrained writes it with the tokenizer).", vocab);
        return new BertTextEncoder(vocab, TokenizerFiles.ReadDoLowerCase(modelFolder), ReadMaxPositionEmbeddings(modelFolder));
    }

    /// <summary>From a bare vocab.txt: <paramref name="doLowerCase"/> true for uncased models.</summary>
    public static BertTextEncoder FromVocab(string vocabPath, bool doLowerCase = true, int? maxPositionEmbeddings = null) =>
        File.Exists(vocabPath)
            ? new BertTextEncoder(vocabPath, doLowerCase, maxPositionEmbeddings)
            : throw new FileNotFoundException($"Vocabulary file {Path.GetFullPath(vocabPath)} does not exist.", vocabPath);

    public bool DoLowerCase { get; }
    public int VocabSize => _idToToken.Length;
    /// <summary>The largest max length this model takes: 512, or less where config.json says max_position_embeddings is less.</summary>
    public int MaxLengthLimit { get; }

    /// <summary>
    /// The library's one max-length policy: <paramref name="requested"/>, clamped to <see cref="MaxLengthLimit"/> with one
    /// line to <paramref name="log"/> (the console when none) saying so. Training, evaluation and prediction all call it.
    /// </summary>
    public int FitMaxLength(int requested, IProgress<string>? log = null)
    {
        if (requested <= MaxLengthLimit) return requested;
        var line = $"max length {requested} → {MaxLengthLimit}, the model's limit";
        if (log is null) Console.WriteLine(line);
        else log.Report(line);
        return MaxLengthLimit;
    }
    public int PadTokenId { get; }
    public int UnknownTokenId { get; }
    public int ClassificationTokenId { get; }
    public int SeparatorTokenId { get; }

    /// <summary>WordPiece tokens of <paramref name="text"/> without [CLS]/[SEP], like HF's <c>tokenize()</c>.</summary>
    public IReadOnlyList<string> Tokenize(string text) => [.. WordPieceIds(text).Select(id => _idToToken[id])];

    /// <summary>
    /// The vocabulary entry of one id, as written there (<c>##ing</c>, <c>[CLS]</c>), like HF's <c>convert_ids_to_tokens</c>.
    /// </summary>
    public string TokenOf(int id) => (uint)id < (uint)_idToToken.Length
        ? _idToToken[id]
        : throw new ArgumentOutOfRangeException(nameof(id), $"Id {id} is outside the vocabulary (0 to {_idToToken.Length - 1}).");

    /// <summary>
    /// [CLS] text [SEP], cut to <paramref name="maxLength"/> tokens (both specials included) from the end;
    /// null keeps every token, like HF without truncation.
    /// </summary>
    public TokenizedExample Encode(string text, int? maxLength = MaxSupportedLength, int label = -1)
    {
        if (maxLength is { } max) CheckMaxLength(max, minimum: 2);
        var ids = maxLength is null ? new List<int>() : t_ids ??= new List<int>(MaxSupportedLength);
        FillWordPieceIds(text, ids, maxLength - 2 ?? int.MaxValue);
        var inputIds = new int[ids.Count + 2];
        (inputIds[0], inputIds[^1]) = (ClassificationTokenId, SeparatorTokenId);
        CollectionsMarshal.AsSpan(ids).CopyTo(inputIds.AsSpan(1));
        return new TokenizedExample(inputIds, new int[inputIds.Length], label);
    }

    /// <summary>[CLS] a [SEP] b [SEP] with b in segment 1, truncated 'longest_first' exactly like HF's fast tokenizer.</summary>
    public TokenizedExample EncodePair(string text, string textPair, int? maxLength = MaxSupportedLength, int label = -1)
    {
        if (maxLength is { } max) CheckMaxLength(max, minimum: 3);
        var a = WordPieceIds(text);
        var b = WordPieceIds(textPair);
        if (maxLength is { } m) TruncateLongestFirst(a, b, m - 3);
        int[] ids = [ClassificationTokenId, .. a, SeparatorTokenId, .. b, SeparatorTokenId];
        var types = new int[ids.Length];
        Array.Fill(types, 1, a.Count + 2, b.Count + 1);
        return new TokenizedExample(ids, types, label);
    }

    /// <summary>Encodes every text on all cores (or <paramref name="maxDegreeOfParallelism"/>), in input order.</summary>
    public IReadOnlyList<TokenizedExample> EncodeBatch(IReadOnlyList<string> texts, int? maxLength = MaxSupportedLength,
        IReadOnlyList<int>? labels = null, int maxDegreeOfParallelism = -1)
    {
        if (maxLength is { } max) CheckMaxLength(max, minimum: 2);
        if (labels is not null && labels.Count != texts.Count)
            throw new ArgumentException($"{labels.Count} labels for {texts.Count} texts; pass one label per text.", nameof(labels));
        var examples = new TokenizedExample[texts.Count];
        Parallel.For(0, texts.Count, new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism },
            i => examples[i] = Encode(texts[i], maxLength, labels?[i] ?? -1));
        return examples;
    }

    /// <summary>Encodes and collates in one go: (B, T) tensors, padded to the longest text or to <paramref name="maxLength"/>.</summary>
    public EncodedBatch EncodeToBatch(IReadOnlyList<string> texts, int maxLength = MaxSupportedLength, Padding padding = Padding.Longest,
        IReadOnlyList<int>? labels = null) =>
        Collator.Collate(EncodeBatch(texts, maxLength, labels), PadTokenId, padding, maxLength, withLabels: labels is not null);

    /// <summary>Token counts with [CLS] and [SEP] and no truncation (what a length histogram needs), on all cores.</summary>
    public int[] CountTokens(IReadOnlyList<string> texts, int maxDegreeOfParallelism = -1)
    {
        var counts = new int[texts.Count];
        Parallel.For(0, texts.Count, new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism },
            i => counts[i] = WordPieceIds(texts[i]).Count + 2);
        return counts;
    }

    /// <summary>Length statistics of <paramref name="texts"/> untruncated, and how many <paramref name="maxLength"/> would cut.</summary>
    public TokenLengthStats LengthStats(IReadOnlyList<string> texts, int maxLength = MaxSupportedLength, int binWidth = 32)
    {
        CheckMaxLength(maxLength, minimum: 2);
        return TokenLengthStats.FromLengths(CountTokens(texts), maxLength, binWidth);
    }

    /// <summary>
    /// Ids back to text like HF's <c>decode(ids, skip_special_tokens, clean_up_tokenization_spaces=True)</c>:
    /// '##' pieces glue to the previous token, others get a space, then HF's clean-up of spaces before punctuation.
    /// </summary>
    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens = true)
    {
        var text = new StringBuilder();
        foreach (int id in ids)
        {
            if ((uint)id >= (uint)_idToToken.Length)
                throw new ArgumentOutOfRangeException(nameof(ids), id,
                    $"Token id {id} is outside the vocabulary (0..{_idToToken.Length - 1}).");
            if (skipSpecialTokens && _specialIds.Contains(id)) continue;
            var token = _idToToken[id];
            if (text.Length > 0 && token.StartsWith("##", StringComparison.Ordinal)) text.Append(token, 2, token.Length - 2);
            else (text.Length > 0 ? text.Append(' ') : text).Append(token);
        }
        // transformers' clean_up_tokenization, in its order.
        return text.Replace(" .", ".").Replace(" ?", "?").Replace(" !", "!").Replace(" ,", ",").Replace(" ' ", "'")
            .Replace(" n't", "n't").Replace(" 'm", "'m").Replace(" 's", "'s").Replace(" 've", "'ve").Replace(" 're", "'re")
            .ToString();
    }

    /// <summary>The WordPiece ids of <paramref name="text"/>, like HF's without special tokens or truncation.</summary>
    List<int> WordPieceIds(string text)
    {
        var ids = new List<int>(text.Length / 4 + 16); // English runs about 5 characters a token
        FillWordPieceIds(text, ids);
        return ids;
    }

    /// <summary>
    /// Fills <paramref name="ids"/> with the first <paramref name="maxIds"/> WordPiece ids of <paramref name="text"/>: the same as HF's
    /// truncation, without tokenizing the rest.
    /// </summary>
    void FillWordPieceIds(string text, List<int> ids, int maxIds = int.MaxValue)
    {
        ids.Clear();
        var sink = new IdSink(_wordPiece, ids, maxIds);
        _splitter.Split(text, ref sink);
        if (ids.Count > maxIds) ids.RemoveRange(maxIds, ids.Count - maxIds);
    }

    /// <summary>Each word's WordPiece ids into one list, until it holds <c>maxIds</c>: a word gives at least one id.</summary>
    readonly struct IdSink(WordPiece wordPiece, List<int> ids, int maxIds) : IWordSink
    {
        public bool Word(ReadOnlySpan<char> word)
        {
            wordPiece.Encode(word, ids);
            return ids.Count < maxIds;
        }

        public bool SpecialToken(int id)
        {
            ids.Add(id);
            return ids.Count < maxIds;
        }
    }

    /// <summary>
    /// tokenizers' LongestFirst for a pair, which differs from the slow Python tokenizer on ties: when both must be cut,
    /// the shorter gets budget/2 and the longer the rest; when only the longer must be cut, the shorter stays whole.
    /// </summary>
    static void TruncateLongestFirst(List<int> a, List<int> b, int budget)
    {
        if (a.Count + b.Count <= budget) return;
        bool swap = a.Count > b.Count;
        int shorter = Math.Min(a.Count, b.Count), longer;
        if (shorter > budget) longer = shorter;
        else longer = Math.Max(shorter, budget - shorter);
        if (shorter + longer > budget)
        {
            shorter = budget / 2;
            longer = shorter + budget % 2;
        }
        var (keepA, keepB) = swap ? (longer, shorter) : (shorter, longer);
        if (a.Count > keepA) a.RemoveRange(keepA, a.Count - keepA);
        if (b.Count > keepB) b.RemoveRange(keepB, b.Count - keepB);
    }

    void CheckMaxLength(int maxLength, int minimum)
    {
        if (maxLength < minimum || maxLength > MaxLengthLimit)
            throw new ArgumentOutOfRangeException(nameof(maxLength), maxLength,
                $"maxLength {maxLength} is out of range: " +
                $"it counts [CLS] and every [SEP], so it must be at least {minimum}, and at most {MaxLengthLimit} " +
                (MaxLengthLimit < MaxSupportedLength
                    ? "(the model's max_position_embeddings in config.json)."
                    : "(BERT's 512 positions)."));
    }

    static string[] ReadVocab(string path)
    {
        // ReadAllLines ends lines at \n, \r\n or \r, so CRLF vocab files read the same as LF ones.
        var lines = File.ReadAllLines(path, Encoding.UTF8);
        int count = lines.Length;
        while (count > 0 && lines[count - 1].Length == 0) count--; // a trailing blank line is no token
        var tokens = lines[..count];
        var seen = new Dictionary<string, int>(tokens.Length, StringComparer.Ordinal);
        for (int i = 0; i < tokens.Length; i++)
        {
            if (tokens[i].Length == 0)
                throw new InvalidDataException($"{path} line {i + 1} is empty; " +
                    "a vocab.txt has one token per line, its line number being the id.");
            if (!seen.TryAdd(tokens[i], i))
                throw new InvalidDataException($"{path} lines {seen[tokens[i]] + 1} and {i + 1} both hold '{tokens[i]}'; " +
                    "each token must appear once.");
        }
        return tokens;
    }

    /// <summary>The model's position limit, where the folder has a config.json; tokenizer-only folders have none.</summary>
    static int? ReadMaxPositionEmbeddings(string folder)
    {
        var config = Path.Combine(folder, CheckpointFiles.Config);
        if (!File.Exists(config)) return null;
        using var json = JsonDocument.Parse(File.ReadAllText(config)); // BertConfig checks the rest when the model loads
        return json.RootElement.TryGetProperty("max_position_embeddings", out var limit) && limit.TryGetInt32(out var value)
            ? value : null;
    }
}
