namespace Chaos.Messages;

/// <summary>
/// One message as the store keeps it. <see cref="Seq"/> is per channel, starts at 1 and has no gaps; a deleted
/// message keeps its row (and seq) with blank content so clients can tell a deletion from a gap. <see cref="Attachments"/>
/// is null for a message without any (all messages before voice messages).
/// <see cref="Ciphertext"/> is set only in end-to-end encrypted channels, whose <see cref="Content"/> is always empty.
/// </summary>
[GenerateSerializer, Immutable, Alias("chaos.StoredMessage")]
public sealed record StoredMessage(
    [property: Id(0)] long Id,
    [property: Id(1)] long ChannelId,
    [property: Id(2)] long Seq,
    [property: Id(3)] long AuthorId,
    [property: Id(4)] string Content,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] DateTimeOffset? EditedAt,
    [property: Id(7)] long? ReplyToId,
    [property: Id(8)] string? Nonce,
    [property: Id(9)] IReadOnlyList<long> Mentions,
    [property: Id(10)] int Flags,
    [property: Id(11)] bool Deleted,
    [property: Id(12)] IReadOnlyList<Attachment>? Attachments = null,
    [property: Id(13)] byte[]? Ciphertext = null);
