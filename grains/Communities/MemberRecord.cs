namespace Chaos.Communities;

/// <summary>A member row as stored; the grain joins it with the public profile.</summary>
[GenerateSerializer, Immutable, Alias("chaos.MemberRecord")]
public sealed record MemberRecord(
    [property: Id(0)] long CommunityId,
    [property: Id(1)] long UserId,
    [property: Id(2)] string? Nickname,
    [property: Id(3)] IReadOnlyList<long> RoleIds,
    [property: Id(4)] DateTimeOffset JoinedAt);
