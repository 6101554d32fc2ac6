using Chaos.Accounts;

namespace Chaos.Communities;

[GenerateSerializer, Immutable, Alias("chaos.Member")]
public sealed record Member(
    [property: Id(0)] long CommunityId,
    [property: Id(1)] PublicUser User,
    [property: Id(2)] string? Nickname,
    [property: Id(3)] IReadOnlyList<long> RoleIds,
    [property: Id(4)] DateTimeOffset JoinedAt);
