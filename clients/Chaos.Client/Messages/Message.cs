using Chaos.Client.Accounts;

namespace Chaos.Client.Messages;

/// <summary>A message; <see cref="Seq"/> starts at 1 per channel and grows by exactly one per created message.</summary>
public sealed record Message(
    string Id,
    string ChannelId,
    long Seq,
    User Author,
    string Content,
    DateTimeOffset CreatedAt,
    DateTimeOffset? EditedAt,
    string? ReplyToId,
    string? Nonce,
    IReadOnlyList<Attachment> Attachments,
    IReadOnlyList<string> Mentions,
    int Flags)
{
    /// <summary>Reactions, first-used emoji first; <see cref="Reaction.Me"/> is true when the reader reacted (false in broadcast events).</summary>
    public IReadOnlyList<Reaction> Reactions { get; init; } = [];

    public bool Pinned { get; init; }

    /// <summary>In an end-to-end encrypted channel: the MLS application message (<see cref="Content"/> is then empty). This SDK cannot decrypt it.</summary>
    public byte[]? Ciphertext { get; init; }
}
