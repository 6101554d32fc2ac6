using Chaos.Gateway;

namespace Chaos.PrivateChannels;

/// <summary>
/// For front doors, on a group's channel stream and the removed user's stream: <see cref="UserId"/> left or was removed.
/// Published on the channel stream itself, so a front door stops that user's delivery before anything the group says
/// afterwards. <see cref="Version"/> is the group's membership version after the removal (0 from a grain that predates
/// it): a copy that arrives after the user was added again (a newer version applied) is stale and ignored.
/// </summary>
[GenerateSerializer, Immutable, Alias("chaos.RecipientRemoved")]
public sealed record RecipientRemoved([property: Id(0)] long ChannelId, [property: Id(1)] long UserId, [property: Id(2)] long Version = 0) : IGatewayControlEvent;
