namespace Chaos.Communities;

[GenerateSerializer, Immutable, Alias("chaos.InvitePreview")]
public sealed record InvitePreview(
    [property: Id(0)] string Code,
    [property: Id(1)] long CommunityId,
    [property: Id(2)] long InviterId,
    [property: Id(3)] int MaxUses,
    [property: Id(4)] int Uses,
    [property: Id(5)] DateTimeOffset? ExpiresAt,
    [property: Id(6)] CommunitySummary Community);
