namespace Chaos.Api.Gateway;

/// <summary>
/// One access change this front door dispatched (in <see cref="GatewayAccessLog"/>): a connection still being set up
/// replays the ones that arrived after its snapshot began. <see cref="Joined"/>: the user of <see cref="UserId"/> joined.
/// </summary>
public sealed record AccessLogEntry(long Seq, long CommunityId, long? UserId, long Version, bool Joined);
