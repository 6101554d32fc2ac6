using Chaos.Gateway;

namespace Chaos.PrivateChannels;

/// <summary>
/// For front doors, on a group's channel stream: <see cref="UserId"/> left or was removed. Published on the channel stream itself,
/// so a front door stops that user's delivery before anything the group says afterwards.
/// </summary>
[GenerateSerializer, Immutable, Alias("chaos.RecipientRemoved")]
public sealed record RecipientRemoved([property: Id(0)] long ChannelId, [property: Id(1)] long UserId) : IGatewayControlEvent;
