using System.Globalization;

namespace Chaos.PrivateChannels;

/// <summary>
/// The key of the grain that owns the one DM of a pair: <c>dm:{low}:{high}</c>, and <c>dm:{low}:{high}:e2ee</c> for the
/// pair's end-to-end encrypted DM (a second, separate channel). The non-hex prefix keeps the ADO.NET provider from
/// reading the key as a number (docs/architecture.md#grain-keys-and-state-names).
/// </summary>
public readonly record struct DmKey(long Low, long High, bool E2ee = false)
{
    public static DmKey Of(long a, long b, bool e2ee = false) => a == b
        ? throw new ArgumentException("A DM needs two different users.")
        : new DmKey(Math.Min(a, b), Math.Max(a, b), e2ee);

    public static DmKey Parse(string key)
    {
        var parts = key.Split(':');
        return parts switch
        {
            ["dm", var low, var high] => new DmKey(long.Parse(low, CultureInfo.InvariantCulture), long.Parse(high, CultureInfo.InvariantCulture)),
            ["dm", var low, var high, "e2ee"] => new DmKey(long.Parse(low, CultureInfo.InvariantCulture), long.Parse(high, CultureInfo.InvariantCulture), E2ee: true),
            _ => throw new FormatException($"Not a DM key: {key}"),
        };
    }

    public bool Contains(long userId) => userId == Low || userId == High;

    public long Other(long userId) => userId == Low ? High : Low;

    public override string ToString() => E2ee
        ? string.Create(CultureInfo.InvariantCulture, $"dm:{Low}:{High}:e2ee")
        : string.Create(CultureInfo.InvariantCulture, $"dm:{Low}:{High}");
}
