namespace Chaos.Communities;

[GenerateSerializer, Immutable, Alias("chaos.Community")]
public sealed record Community(
    [property: Id(0)] long Id,
    [property: Id(1)] string Name,
    [property: Id(2)] string Description,
    [property: Id(3)] long OwnerId,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] int MemberCount,
    [property: Id(6)] IReadOnlyList<Role> Roles,
    [property: Id(7)] IReadOnlyList<Channel> Channels,
    [property: Id(8)] Ai.CommunityAiSettings? Ai = null);
