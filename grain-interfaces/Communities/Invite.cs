namespace Chaos.Communities;

/// <summary>An invite; <see cref="MaxUses"/> 0 means unlimited and a null <see cref="ExpiresAt"/> means it never expires.</summary>
[GenerateSerializer, Immutable, Alias("chaos.Invite")]
public sealed record Invite(
    [property: Id(0)] string Code,
    [property: Id(1)] long CommunityId,
    [property: Id(2)] long InviterId,
    [property: Id(3)] int MaxUses,
    [property: Id(4)] int Uses,
    [property: Id(5)] DateTimeOffset? ExpiresAt,
    [property: Id(6)] DateTimeOffset CreatedAt);
