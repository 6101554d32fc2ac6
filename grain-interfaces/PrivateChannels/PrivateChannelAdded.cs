using Chaos.Communities;
using Chaos.Gateway;

namespace Chaos.PrivateChannels;

/// <summary>
/// On a user stream: the user is now in this DM or group, so front doors subscribe that user's connections to its
/// channel stream, then announce it to them as <c>ChannelCreated</c>. <see cref="Version"/> is the channel's membership
/// version after the change (0 from a grain that predates it): a front door ignores it when it has applied a newer one.
/// </summary>
[GenerateSerializer, Immutable, Alias("chaos.PrivateChannelAdded")]
public sealed record PrivateChannelAdded([property: Id(0)] Channel Channel, [property: Id(1)] long Version = 0) : IGatewayControlEvent;
