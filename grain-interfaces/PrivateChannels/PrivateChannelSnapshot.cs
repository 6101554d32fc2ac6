using Chaos.Communities;

namespace Chaos.PrivateChannels;

/// <summary>
/// A DM or group as one recipient sees it, with its membership version at that moment: a front door's <c>Ready</c>
/// snapshot, so a membership change older than the snapshot is not applied on top of it.
/// </summary>
[GenerateSerializer, Immutable, Alias("chaos.PrivateChannelSnapshot")]
public sealed record PrivateChannelSnapshot([property: Id(0)] Channel Channel, [property: Id(1)] long MembershipVersion);
