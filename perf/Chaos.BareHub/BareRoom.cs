using System.Collections.Concurrent;

namespace Chaos.BareHub;

/// <summary>A community with one text channel; <see cref="Seq"/> numbers its messages.</summary>
internal sealed class BareRoom(long id, string name, long ownerId, long channelId)
{
    private long seq;

    public long Id { get; } = id;

    public string Name { get; } = name;

    public long OwnerId { get; } = ownerId;

    public long ChannelId { get; } = channelId;

    public ConcurrentDictionary<long, bool> Members { get; } = new();

    public long NextSeq() => Interlocked.Increment(ref seq);

    public object View() => new
    {
        id = Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
        name = Name,
        ownerId = OwnerId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        memberCount = Members.Count,
        channels = new[] { new { id = ChannelId.ToString(System.Globalization.CultureInfo.InvariantCulture), type = "text", name = "general", position = 0 } },
    };
}
