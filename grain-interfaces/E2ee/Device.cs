namespace Chaos.E2ee;

/// <summary>
/// One registered device of a user (docs/api.md#end-to-end-encryption): its public identity key and its MLS credential,
/// both opaque to the server. Listed to anyone who shares a community, a DM or a friendship, for safety numbers.
/// </summary>
[GenerateSerializer, Immutable, Alias("chaos.Device")]
public sealed record Device(
    [property: Id(0)] long Id,
    [property: Id(1)] long UserId,
    [property: Id(2)] string Name,
    [property: Id(3)] byte[] IdentityKey,
    [property: Id(4)] byte[] Credential,
    [property: Id(5)] DateTimeOffset CreatedAt);
