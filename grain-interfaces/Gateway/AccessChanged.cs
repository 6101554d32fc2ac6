namespace Chaos.Gateway;

/// <summary>
/// Internal: who may see what in a community changed. Published on the community stream and on each of its channel
/// streams, so a front door re-evaluates its connections before it delivers anything that follows on that stream.
/// <see cref="UserId"/> null means every member may be affected (a role or overwrite changed).
/// </summary>
[GenerateSerializer, Immutable, Alias("chaos.AccessChanged")]
public sealed record AccessChanged([property: Id(0)] long CommunityId, [property: Id(1)] long? UserId);
