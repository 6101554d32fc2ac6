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
    IReadOnlyList<string>? RecipientIds)
{
    /// <summary>
    /// End-to-end encrypted (MLS): the server refuses plaintext there, and this SDK cannot encrypt, so sends to it throw
    /// <see cref="NotSupportedException"/> (README, "End-to-end encryption").
    /// </summary>
    public bool E2ee { get; init; }

    /// <summary>Nothing of this channel is ever sent to a model (always true for an e2ee channel).</summary>
    public bool AiExcluded { get; init; }
}
