namespace BertNotebooks.Tokenization;

/// <summary>
/// Token ids keyed by short ASCII text packed into two 64-bit words, 7 bits a character: a lookup is a multiply and a
/// probe, with no string to hash or compare. A byte per slot (free, or 7 bits of the key's hash) settles most probes:
/// WordPiece's search for the longest piece is mostly lookups that miss, and this array is small enough to stay in
/// cache where the entries are not. Covers the ASCII tokens of up to 16 characters,
/// which is all of bert-base-uncased's but three; <see cref="WordPiece"/> looks the rest up in a dictionary.
/// </summary>
internal sealed class PackedTokenTable
{
    public const int MaxChars = 16;

    /// <summary>Characters 0..7 in bits 0..55 of Low with the length in bits 56..60 and the flag in bit 61, characters 8..15 in High.</summary>
    public readonly record struct Key(ulong Low, ulong High);

    readonly record struct Entry(Key Key, int Id);

    readonly byte[] _tags; // 0: a free slot; else 0x80 | 7 bits of the hash of the key there
    readonly Entry[] _entries;
    readonly int _shift;

    public PackedTokenTable(IReadOnlyCollection<(Key Key, int Id)> tokens)
    {
        // At most 5/8 full: probe runs stay short (the tags make a long one cheap), and the entries stay few cache lines.
        int bits = Math.Max(4, (int)Math.Ceiling(Math.Log2(tokens.Count * 8 / 5 + 1)));
        _tags = new byte[1 << bits];
        _entries = new Entry[1 << bits];
        _shift = 64 - bits;
        foreach (var (key, id) in tokens)
        {
            var (slot, tag) = Locate(key);
            for (; _tags[slot] != 0; slot = (slot + 1) & (_tags.Length - 1))
                if (_entries[slot].Key == key) throw new ArgumentException($"Token id {id} repeats the key of id {_entries[slot].Id}.", nameof(tokens));
            (_tags[slot], _entries[slot]) = (tag, new Entry(key, id));
        }
    }

    /// <summary>
    /// The key of <paramref name="text"/>, with a flag that keeps "##" continuations apart from word starts;
    /// false where the text is empty, longer than <see cref="MaxChars"/> or not ASCII.
    /// </summary>
    public static bool TryPack(ReadOnlySpan<char> text, bool flag, out Key key)
    {
        key = default;
        if (text.IsEmpty || text.Length > MaxChars) return false;
        ulong low = 0, high = 0;
        int all = 0;
        for (int i = 0; i < text.Length; i++)
        {
            all |= text[i];
            if (i < 8) low |= (ulong)text[i] << (7 * i);
            else high |= (ulong)text[i] << (7 * (i - 8));
        }
        if (all >= 128) return false;
        key = new Key(low | (ulong)text.Length << 56 | (flag ? 1UL << 61 : 0), high);
        return true;
    }

    public bool TryGetValue(Key key, out int id)
    {
        var (slot, tag) = Locate(key);
        for (; _tags[slot] != 0; slot = (slot + 1) & (_tags.Length - 1))
            if (_tags[slot] == tag && _entries[slot].Key == key)
            {
                id = _entries[slot].Id;
                return true;
            }
        id = -1;
        return false;
    }

    // Fibonacci hashing: the multiply spreads every key bit into the top bits, which pick the slot; the bits below give the tag.
    (int Slot, byte Tag) Locate(Key key)
    {
        ulong hash = (key.Low ^ key.High * 0xC2B2AE3D27D4EB4FUL) * 0x9E3779B97F4A7C15UL;
        return ((int)(hash >> _shift), (byte)(0x80 | (hash >> (_shift - 7))));
    }
}
