namespace Chaos.Gateway;

/// <summary>
/// For front doors: who may see what in a community changed. Published on the community stream and on each of its channel
/// streams, so a front door re-evaluates its connections before it delivers anything that follows on that stream.
/// <see cref="UserId"/> null means every member may be affected (a role or overwrite changed). <see cref="Version"/>
/// increases with every change, so a front door that already re-evaluated a connection for it skips the repeats it
/// receives on the other streams.
/// </summary>
[GenerateSerializer, Immutable, Alias("chaos.AccessChanged")]
public sealed record AccessChanged([property: Id(0)] long CommunityId, [property: Id(1)] long? UserId, [property: Id(2)] long Version)
    : IGatewayControlEvent;
