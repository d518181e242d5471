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

    /// <summary>
    /// Characters 0..7 in bits 0..55 of Low with the length in bits 56..60 and the flag in bit 61, characters 8..15 in High.
    /// </summary>
    public readonly record struct Key(ulong Low, ulong High)
    {
        /// <summary>The key of the first <paramref name="length"/> characters (1 up to this key's length), flag kept.</summary>
        public Key Prefix(int length) => new(
            Low & CharBits(Math.Min(length, 8)) | (ulong)length << 56 | Low & FlagBit,
            length > 8 ? High & CharBits(length - 8) : 0);

        static ulong CharBits(int chars) => (1UL << (7 * chars)) - 1;
    }

    const ulong FlagBit = 1UL << 61;

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
                if (_entries[slot].Key == key) throw new ArgumentException($"Token id {id} repeats the key of id {_entries[slot].Id}.",
                    nameof(tokens));
            (_tags[slot], _entries[slot]) = (tag, new Entry(key, id));
        }
    }

    /// <summary>
    /// The key of <paramref name="text"/>, with a flag that keeps "##" continuations apart from word starts;
    /// false where the text is empty, longer than <see cref="MaxChars"/> or not ASCII.
    /// </summary>
    public static bool TryPack(ReadOnlySpan<char> text, bool flag, out Key key) =>
        PackAsciiPrefix(text, flag, out key) is var length && length == text.Length && length > 0;

    /// <summary>
    /// Packs the ASCII characters that <paramref name="text"/> starts with, at most <see cref="MaxChars"/>, and says how many.
    /// </summary>
    public static int PackAsciiPrefix(ReadOnlySpan<char> text, bool flag, out Key key)
    {
        ulong low = 0, high = 0;
        int length = 0;
        for (; length < Math.Min(text.Length, MaxChars) && text[length] < 128; length++)
        {
            if (length < 8) low |= (ulong)text[length] << (7 * length);
            else high |= (ulong)text[length] << (7 * (length - 8));
        }
        key = new Key(low | (ulong)length << 56 | (flag ? FlagBit : 0), high);
        return length;
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
