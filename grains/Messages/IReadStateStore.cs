namespace Chaos.Messages;

/// <summary>Read states (PostgreSQL table, or memory standalone). A read state only ever moves forward.</summary>
public interface IReadStateStore
{
    Task SetAsync(long userId, long channelId, long lastReadMessageId, long lastReadSeq);

    /// <summary>Every read state of a user with its unread and mention counts.</summary>
    Task<IReadOnlyList<ReadState>> GetForUserAsync(long userId);

    Task<ReadState?> GetAsync(long userId, long channelId);
}
