namespace BertNotebooks.Data;

/// <summary>
/// SplitMix64 (Steele, Lea, Flood 2014): a tiny generator whose sequence is fixed by its seed on every machine and .NET
/// version, which System.Random does not promise.
/// </summary>
public sealed class SplitMix64(ulong seed)
{
    ulong state = seed;

    /// <summary>The increment between states: 2⁶⁴ / φ, odd.</summary>
    public const ulong Gamma = 0x9E3779B97F4A7C15UL;

    public ulong NextUInt64() => Mix(state += Gamma);

    /// <summary>SplitMix64's finaliser (it passes BigCrush on a Weyl sequence): 64 well-mixed bits of one state. Counter-based generators call it on seed + i·γ.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A uniform integer in [0, <paramref name="maxExclusive"/>), by rejection so that no value is favoured.</summary>
    public int NextInt(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        var bound = (ulong)maxExclusive;
        var limit = ulong.MaxValue - ulong.MaxValue % bound;
        ulong value;
        do value = NextUInt64(); while (value >= limit);
        return (int)(value % bound);
    }

    /// <summary>Fisher–Yates, in place.</summary>
    public void Shuffle<T>(IList<T> items)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
