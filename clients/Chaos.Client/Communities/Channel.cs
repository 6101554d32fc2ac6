namespace Chaos.Client.Communities;

/// <summary>A text or voice channel of a community, or a DM/group channel (<see cref="CommunityId"/> null).</summary>
public sealed record Channel(
    string Id,
    ChannelType Type,
    string? CommunityId,
    string Name,
    string? Topic,
    int Position,
    IReadOnlyList<PermissionOverwrite> Overwrites,
    IReadOnlyList<string>? RecipientIds);
