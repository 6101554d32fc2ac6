namespace Chaos.Communities;

/// <summary>
/// A member's readable channels in one community, their roles (for role mentions), and the readable channels where they
/// hold ManageMessages (who sees messages hidden by moderation as they are, docs/api.md#ai-assistance).
/// </summary>
[GenerateSerializer, Immutable, Alias("chaos.ReadableChannels")]
public sealed record ReadableChannels(
    [property: Id(0)] IReadOnlyList<long> ChannelIds,
    [property: Id(1)] IReadOnlyList<long> RoleIds,
    [property: Id(2)] bool MayMentionEveryone)
{
    [Id(3)]
    public IReadOnlyList<long> ManagedChannelIds { get; init; } = [];
}
