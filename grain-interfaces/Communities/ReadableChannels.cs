namespace Chaos.Communities;

/// <summary>A member's readable channels in one community, and their roles (for role mentions).</summary>
[GenerateSerializer, Immutable, Alias("chaos.ReadableChannels")]
public sealed record ReadableChannels(
    [property: Id(0)] IReadOnlyList<long> ChannelIds,
    [property: Id(1)] IReadOnlyList<long> RoleIds,
    [property: Id(2)] bool MayMentionEveryone);
