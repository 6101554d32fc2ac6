using Chaos.Communities;
using Chaos.Gateway;

namespace Chaos.PrivateChannels;

/// <summary>
/// On a user stream: the user is now in this DM or group, so front doors subscribe that user's connections to its
/// channel stream, then announce it to them as <c>ChannelCreated</c>.
/// </summary>
[GenerateSerializer, Immutable, Alias("chaos.PrivateChannelAdded")]
public sealed record PrivateChannelAdded([property: Id(0)] Channel Channel) : IGatewayControlEvent;
