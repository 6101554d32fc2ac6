namespace Chaos.Communities;

[GenerateSerializer, Alias("chaos.ChannelState")]
public sealed class ChannelState
{
    [Id(0)]
    public long CommunityId { get; set; }

    [Id(1)]
    public ChannelType Type { get; set; }

    /// <summary>DM and group only: everyone in the channel (at most <c>PrivateChannelRules.MaxGroupSize</c>).</summary>
    [Id(2)]
    public List<long> Recipients { get; set; } = [];

    /// <summary>Group only: the one who may add and remove recipients.</summary>
    [Id(3)]
    public long OwnerId { get; set; }

    /// <summary>DM only: one side blocks the other, so nobody may send.</summary>
    [Id(4)]
    public bool Blocked { get; set; }

    /// <summary>End-to-end encrypted (docs/api.md#end-to-end-encryption): set at creation, never turned off.</summary>
    [Id(5)]
    public bool E2ee { get; set; }

    /// <summary>
    /// DM and group: rises with every change of <see cref="Recipients"/> (creation, an add, a removal) and travels on
    /// <c>PrivateChannelAdded</c> and <c>RecipientRemoved</c>, so a front door applies a user's membership changes of one
    /// group in order whichever stream delivers them first (docs/architecture.md#access-re-evaluation).
    /// </summary>
    [Id(6)]
    public long MembershipVersion { get; set; }
}
