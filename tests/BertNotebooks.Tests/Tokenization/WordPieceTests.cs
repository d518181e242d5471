using BertNotebooks.Tokenization;

namespace BertNotebooks.Tests.Tokenization;

/// <summary>
/// HF's WordPiece rules on a small vocabulary, through both of its lookups (packed short ASCII, dictionary for the rest).
/// </summary>
public class WordPieceTests
{
    const string Long = "abcdefghijklmnopqrs"; // 19 characters: too long for the packed table
    static readonly string[] Vocab = ["[UNK]", "un", "unaff", "##aff", "##able", "##a", "##b", "##l", "##e", "b", Long,
        "##é", "é", "😀", "##😀", "x"];
    static readonly WordPiece Model = new(Vocab, unknownId: 0);

    static string[] Pieces(string word)
    {
        var ids = new List<int>();
        Model.Encode(word, ids);
        return [.. ids.Select(id => Vocab[id])];
    }

    [Fact]
    public void Longest_match_first_then_continuations() =>
        Assert.Equal(["unaff", "##able"], Pieces("unaffable"));

    [Fact]
    public void Greedy_does_not_backtrack_and_an_unmatched_piece_makes_the_whole_word_unknown()
    {
        Assert.Equal(["[UNK]"], Pieces("unaffz")); // "unaff" matched, then nothing for "z": the word, not just "z"
        Assert.Equal(["[UNK]"], Pieces("able")); // "##able" is no word start
        Assert.Equal(["b", "##l", "##e"], Pieces("ble"));
    }

    [Fact]
    public void Long_and_non_ASCII_tokens_match_through_the_dictionary()
    {
        Assert.Equal([Long, "##é"], Pieces(Long + "é"));
        Assert.Equal(["é", "##aff"], Pieces("éaff"));
        Assert.Equal(["x", "##😀"], Pieces("x😀"));
    }

    [Fact]
    public void Words_over_100_code_points_are_unknown_counting_surrogate_pairs_once()
    {
        Assert.Equal(100, Pieces(string.Concat(Enumerable.Repeat("😀", 100))).Length); // 200 UTF-16 units, 100 code points
        Assert.Equal(["[UNK]"], Pieces(string.Concat(Enumerable.Repeat("😀", 101))));
        Assert.Equal(["[UNK]"], Pieces("b" + new string('a', 100)));
    }

    [Fact]
    public void Packed_keys_tell_apart_length_continuation_and_every_position()
    {
        Assert.False(PackedTokenTable.TryPack("", false, out _));
        Assert.False(PackedTokenTable.TryPack(new string('a', PackedTokenTable.MaxChars + 1), false, out _));
        Assert.False(PackedTokenTable.TryPack("é", false, out _));

        var texts = new List<string> { "a", "a\0", "\0a" };
        for (int position = 0; position < PackedTokenTable.MaxChars; position++)
            texts.Add(new string('a', position) + "b" + new string('a', PackedTokenTable.MaxChars - 1 - position));
        var keys = texts
            .SelectMany(t => new[] { false, true }
                .Select(flag => PackedTokenTable.TryPack(t, flag, out var key) ? key : throw new InvalidOperationException(t)))
            .ToList();
        Assert.Equal(keys.Count, keys.Distinct().Count());

        var table = new PackedTokenTable([.. keys.Select((key, id) => (key, id))]);
        for (int id = 0; id < keys.Count; id++)
            Assert.True(table.TryGetValue(keys[id], out int found) && found == id);
        Assert.True(PackedTokenTable.TryPack("zz", false, out var absent));
        Assert.False(table.TryGetValue(absent, out _));
    }
}
