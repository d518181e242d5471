namespace BertNotebooks.Tokenization;

/// <summary>
/// One document after WordPiece: ids with [CLS] and [SEP] already in place and truncated to the max length, segment ids
/// (all 0 for single texts), and its class index (-1 where unknown, as at inference).
/// </summary>
public sealed record TokenizedExample(int[] InputIds, int[] TokenTypeIds, int Label = -1)
{
    public int Length => InputIds.Length;
}
