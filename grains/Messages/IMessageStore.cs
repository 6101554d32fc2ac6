namespace Chaos.Messages;

/// <summary>
/// Durable message history of every channel. Pages use keyset pagination on the message id (time-ordered
/// snowflakes that increase with seq within a channel) and are always ordered oldest to newest.
/// </summary>
public interface IMessageStore
{
    /// <summary>
    /// Appends all of <paramref name="batch"/> or nothing of it. Throws <see cref="DuplicateMessageException"/> when any
    /// row repeats an existing (or another row's) (channel, id) or (channel, seq).
    /// </summary>
    Task AppendAsync(IReadOnlyList<StoredMessage> batch, CancellationToken ct);

    /// <summary>The message, deleted or not; null when the channel has no such message.</summary>
    Task<StoredMessage?> GetAsync(long channelId, long messageId, CancellationToken ct);

    /// <summary>
    /// Up to <paramref name="limit"/> visible (not deleted) messages, oldest first: those just older than
    /// <paramref name="before"/>, just newer than <paramref name="after"/> (bounded above by <paramref name="before"/>
    /// when both are given), or the newest when neither is.
    /// </summary>
    Task<IReadOnlyList<StoredMessage>> PageAsync(long channelId, long? before, long? after, int limit, CancellationToken ct);

    /// <summary>Replaces content and mentions; null when the message is missing or deleted.</summary>
    Task<StoredMessage?> UpdateContentAsync(long channelId, long messageId, string content, IReadOnlyList<long> mentions, DateTimeOffset editedAt, CancellationToken ct);

    /// <summary>Soft delete: blanks content and mentions and keeps the row and its seq. False when missing or already deleted.</summary>
    Task<bool> DeleteAsync(long channelId, long messageId, CancellationToken ct);

    /// <summary>
    /// How many visible messages after <paramref name="afterSeq"/> mention <paramref name="userId"/>, counting at most
    /// <paramref name="limit"/>: read from a per-user mention index, never by scanning the channel's messages.
    /// </summary>
    Task<int> CountMentionsAsync(long channelId, long userId, long afterSeq, int limit, CancellationToken ct);

    /// <summary>The highest seq in the channel, deleted messages included; 0 for an empty channel.</summary>
    Task<long> GetLastSeqAsync(long channelId, CancellationToken ct);

    /// <summary>
    /// The newest message of <paramref name="authorId"/> in the channel with this nonce created at or after
    /// <paramref name="notBefore"/>. A deleted original is returned too (with <see cref="StoredMessage.Deleted"/> set)
    /// so the caller, not the store, decides what a retry of a deleted send means.
    /// </summary>
    Task<StoredMessage?> FindByNonceAsync(long channelId, long authorId, string nonce, DateTimeOffset notBefore, CancellationToken ct);

    /// <summary>
    /// <see cref="FindByNonceAsync"/> for many (author, nonce) pairs of one channel in one round trip: for each pair, its
    /// newest match created at or after <paramref name="notBefore"/>; pairs without a match are absent from the answer.
    /// </summary>
    Task<IReadOnlyList<StoredMessage>> FindByNoncesAsync(long channelId, IReadOnlyCollection<(long AuthorId, string Nonce)> keys, DateTimeOffset notBefore, CancellationToken ct);

    /// <summary>The newest <paramref name="count"/> messages, oldest first, deleted ones included.</summary>
    Task<IReadOnlyList<StoredMessage>> GetRecentAsync(long channelId, int count, CancellationToken ct);

    /// <summary>Up to <paramref name="limit"/> messages with seq above <paramref name="afterSeq"/>, in seq order, deleted ones left out.</summary>
    Task<IReadOnlyList<StoredMessage>> GetAfterSeqAsync(long channelId, long afterSeq, int limit, CancellationToken ct);

    /// <summary>Sets or clears one bit of <see cref="StoredMessage.Flags"/> (moderation's hidden bit); null when missing or deleted.</summary>
    Task<StoredMessage?> SetFlagAsync(long channelId, long messageId, int flag, bool on, CancellationToken ct);

    /// <summary>
    /// Replaces the message's attachments (a voice message's transcript, docs/architecture.md#voice-message-transcripts);
    /// null when missing or deleted.
    /// </summary>
    Task<StoredMessage?> SetAttachmentsAsync(long channelId, long messageId, IReadOnlyList<Attachment> attachments, CancellationToken ct);
}
