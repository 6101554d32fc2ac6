namespace Chaos.Messages;

/// <summary>Reaction rows (docs/architecture.md#reactions-pins-and-search): one per message, emoji and user.</summary>
public interface IReactionStore
{
    /// <summary>False when the user had already reacted with that emoji.</summary>
    Task<bool> AddAsync(long channelId, long messageId, string emoji, long userId, DateTimeOffset at);

    /// <summary>False when there was no such reaction.</summary>
    Task<bool> RemoveAsync(long messageId, string emoji, long userId);

    /// <summary>The distinct emoji on a message, in the order each was first used.</summary>
    Task<IReadOnlyList<string>> GetEmojiAsync(long messageId);

    /// <summary>Counts per emoji (first use first) of each message that has any, with <c>me</c> for <paramref name="viewerId"/>.</summary>
    Task<IReadOnlyDictionary<long, IReadOnlyList<Reaction>>> GetSummariesAsync(IReadOnlyCollection<long> messageIds, long viewerId);

    /// <summary>User ids that reacted with <paramref name="emoji"/>, ascending, greater than <paramref name="after"/>.</summary>
    Task<IReadOnlyList<long>> GetUsersAsync(long messageId, string emoji, long after, int limit);

    Task DeleteMessageAsync(long messageId);
}
