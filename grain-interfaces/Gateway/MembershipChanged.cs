namespace Chaos.Gateway;

/// <summary>
/// On a user stream: the user joined <see cref="CommunityId"/> while connected, so front doors subscribe that user's
/// connections to it. <see cref="Version"/> orders it with the community's <see cref="AccessChanged"/> events.
/// </summary>
[GenerateSerializer, Immutable, Alias("chaos.MembershipChanged")]
public sealed record MembershipChanged([property: Id(0)] long CommunityId, [property: Id(1)] long UserId, [property: Id(2)] long Version)
    : IGatewayControlEvent;
