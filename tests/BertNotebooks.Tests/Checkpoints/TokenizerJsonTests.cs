using System.Text.Json.Nodes;
using BertNotebooks.Checkpoints;
using BertNotebooks.Tests.Tokenization;

namespace BertNotebooks.Tests.Checkpoints;

/// <summary>tokenizer.json, the Hugging Face fast-tokenizer file, as TokenizerFiles writes it beside vocab.txt.</summary>
public sealed class TokenizerJsonTests
{
    // The specials out of bert-base-uncased's order, so that ids come from the vocabulary and not from a table.
    static readonly string[] Vocab = ["[UNK]", "[PAD]", "hello", "[SEP]", "[CLS]", "world", "##s", "[MASK]", "!"];

    static JsonObject Written(bool doLowerCase, string? tokenizerConfig = null)
    {
        using var source = new ModelFolder(Vocab, newline: "\r\n");
        using var target = new ModelFolder();
        TokenizerFiles.Write(target.Path, source.VocabPath, doLowerCase);
        if (tokenizerConfig is not null)
        {
            target.With(TokenizerFiles.Config, tokenizerConfig);
            TokenizerFiles.WriteFastTokenizer(target.Path);
        }
        return JsonNode.Parse(File.ReadAllText(Path.Combine(target.Path, "tokenizer.json")))!.AsObject();
    }

    [Fact]
    public void EveryPartIsBertBaseUncasedsSetUpWithThisVocabularysIds()
    {
        var json = Written(doLowerCase: true);
        Assert.Null(json["truncation"]);
        Assert.Null(json["padding"]);
        Assert.Equal("BertPreTokenizer", (string?)json["pre_tokenizer"]!["type"]);

        var normalizer = json["normalizer"]!;
        Assert.Equal("BertNormalizer", (string?)normalizer["type"]);
        Assert.True((bool)normalizer["lowercase"]!);
        Assert.True((bool)normalizer["clean_text"]!);
        Assert.True((bool)normalizer["handle_chinese_chars"]!);
        Assert.Null(normalizer["strip_accents"]); // follows lowercase, as in HF

        var model = json["model"]!;
        Assert.Equal("WordPiece", (string?)model["type"]);
        Assert.Equal("[UNK]", (string?)model["unk_token"]);
        Assert.Equal("##", (string?)model["continuing_subword_prefix"]);
        Assert.Equal(100, (int)model["max_input_chars_per_word"]!);
        var vocab = model["vocab"]!.AsObject();
        Assert.Equal(Vocab, vocab.Select(p => p.Key));
        Assert.Equal(Enumerable.Range(0, Vocab.Length), vocab.Select(p => (int)p.Value!));

        var added = json["added_tokens"]!.AsArray();
        Assert.Equal([(0, "[UNK]"), (1, "[PAD]"), (3, "[SEP]"), (4, "[CLS]"), (7, "[MASK]")],
            added.Select(t => ((int)t!["id"]!, (string)t["content"]!)));
        Assert.All(added, t => Assert.True((bool)t!["special"]! && !(bool)t["normalized"]! && !(bool)t["single_word"]!));

        var post = json["post_processor"]!;
        Assert.Equal("TemplateProcessing", (string?)post["type"]);
        Assert.Equal("[CLS]:0 $A:0 [SEP]:0", Template(post["single"]!));
        Assert.Equal("[CLS]:0 $A:0 [SEP]:0 $B:1 [SEP]:1", Template(post["pair"]!));
        Assert.Equal(4, (int)post["special_tokens"]!["[CLS]"]!["ids"]![0]!);
        Assert.Equal(3, (int)post["special_tokens"]!["[SEP]"]!["ids"]![0]!);

        Assert.Equal("WordPiece", (string?)json["decoder"]!["type"]);
        Assert.Equal("##", (string?)json["decoder"]!["prefix"]);
    }

    static string Template(JsonNode items) => string.Join(' ', items.AsArray().Select(item =>
        item!["SpecialToken"] is { } special
            ? $"{special["id"]}:{special["type_id"]}"
            : $"${item["Sequence"]!["id"]}:{item["Sequence"]!["type_id"]}"));

    [Fact]
    public void TheNormalizerFollowsTokenizerConfig()
    {
        Assert.False((bool)Written(doLowerCase: false)["normalizer"]!["lowercase"]!);
        var normalizer = Written(doLowerCase: true,
            """{"do_lower_case": false, "strip_accents": true, "tokenize_chinese_chars": false}""")["normalizer"]!;
        Assert.False((bool)normalizer["lowercase"]!);
        Assert.True((bool)normalizer["strip_accents"]!);
        Assert.False((bool)normalizer["handle_chinese_chars"]!);
    }

    [Fact]
    public void AVocabularyWithoutTheSpecialTokensIsRefused()
    {
        var error = Assert.Throws<InvalidDataException>(() => HfTokenizerJson.Build(["hello", "[UNK]"], doLowerCase: true));
        Assert.Contains("[PAD]", error.Message);
    }
}
