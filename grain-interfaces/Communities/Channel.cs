namespace Chaos.Communities;

/// <summary>The Channel object (docs/api.md#channel). <see cref="E2ee"/> is chosen at creation and never changes; an e2ee channel is always <see cref="AiExcluded"/>.</summary>
[GenerateSerializer, Immutable, Alias("chaos.Channel")]
public sealed record Channel(
    [property: Id(0)] long Id,
    [property: Id(1)] ChannelType Type,
    [property: Id(2)] long? CommunityId,
    [property: Id(3)] string Name,
    [property: Id(4)] string? Topic,
    [property: Id(5)] int Position,
    [property: Id(6)] IReadOnlyList<ChannelOverwrite> Overwrites,
    [property: Id(7)] IReadOnlyList<long>? RecipientIds,
    [property: Id(8)] bool AiExcluded = false,
    [property: Id(9)] bool E2ee = false);
