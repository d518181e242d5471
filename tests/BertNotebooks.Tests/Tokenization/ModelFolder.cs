using BertNotebooks.IO;
using BertNotebooks.Tokenization;

namespace BertNotebooks.Tests.Tokenization;

/// <summary>A throw-away model folder with a small vocab.txt, for tokenizer tests that need no real model.</summary>
sealed class ModelFolder : IDisposable
{
    /// <summary>The five BERT specials in bert-base-uncased's relative order, then a few words.</summary>
    public static readonly string[] SmallVocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello", "world", "##s", ",", "!", ".",
        "'", "it", "s", "fine", "Hello"];

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"bertnb-tok-{Guid.NewGuid():N}");

    public ModelFolder(string[]? vocab = null, string newline = "\n")
    {
        Directory.CreateDirectory(Path);
        if (vocab is not null) AtomicFile.WriteAllText(VocabPath, string.Join(newline, vocab) + newline);
    }

    public string VocabPath => System.IO.Path.Combine(Path, "vocab.txt");

    public ModelFolder With(string file, string content)
    {
        AtomicFile.WriteAllText(System.IO.Path.Combine(Path, file), content);
        return this;
    }

    public BertTextEncoder Encoder() => BertTextEncoder.FromFolder(Path);

    public static int Id(string token) => Array.IndexOf(SmallVocab, token);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
