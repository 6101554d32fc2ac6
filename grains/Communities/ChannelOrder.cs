namespace Chaos.Communities;

/// <summary>Channel positions of a community: always the permutation 0..n-1, whatever is inserted, moved or removed.</summary>
internal static class ChannelOrder
{
    /// <summary>Inserts <paramref name="channel"/> at <paramref name="position"/> (clamped) among <paramref name="others"/> and renumbers.</summary>
    public static List<Channel> Insert(IEnumerable<Channel> others, Channel channel, int position)
    {
        var ordered = others.OrderBy(c => c.Position).ToList();
        ordered.Insert(Math.Clamp(position, 0, ordered.Count), channel);

        // Number in list order: sorting again by the old positions would move the inserted channel back.
        return Number(ordered);
    }

    /// <summary>Closes the gaps a removal left, keeping the order.</summary>
    public static List<Channel> Renumber(IEnumerable<Channel> channels) => Number(channels.OrderBy(c => c.Position));

    private static List<Channel> Number(IEnumerable<Channel> ordered) =>
        ordered.Select((c, i) => c.Position == i ? c : c with { Position = i }).ToList();
}
