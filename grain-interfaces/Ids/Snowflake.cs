namespace Chaos.Ids;

/// <summary>The bit layout of a CHAOS id: 41 bits of milliseconds, 10 bits of node, 12 bits of sequence.</summary>
public static class Snowflake
{
    public const int NodeBits = 10;
    public const int SequenceBits = 12;
    public const int MaxNode = (1 << NodeBits) - 1;
    public const int MaxSequence = (1 << SequenceBits) - 1;

    public static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static long Compose(long milliseconds, int node, int sequence) =>
        (milliseconds << (NodeBits + SequenceBits)) | ((long)node << SequenceBits) | (long)sequence;

    public static DateTimeOffset CreatedAt(long id) => Epoch.AddMilliseconds(id >> (NodeBits + SequenceBits));

    public static int NodeOf(long id) => (int)((id >> SequenceBits) & MaxNode);

    /// <summary>Parses an id as the API writes it: a decimal string of a positive 64-bit integer.</summary>
    public static bool TryParse(string? text, out long id)
    {
        id = 0;
        if (string.IsNullOrEmpty(text) || text.Length > 19)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        return long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out id) && id > 0;
    }
}
