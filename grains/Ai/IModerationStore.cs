namespace Chaos.Ai;

/// <summary>The moderation queue items (docs/architecture.md#ai-assistance): <c>moderation_items</c> on PostgreSQL, memory standalone.</summary>
public interface IModerationStore
{
    /// <summary>False when the message already has an item (a message is queued at most once).</summary>
    Task<bool> AddAsync(ModerationItem item);

    Task<ModerationItem?> GetAsync(long communityId, long itemId);

    /// <summary>Newest first: the <paramref name="limit"/> items older than <paramref name="before"/>, of one status or all.</summary>
    Task<IReadOnlyList<ModerationItem>> PageAsync(long communityId, ModerationStatus? status, long? before, int limit);

    /// <summary>Moves an open item to <paramref name="status"/>; null when it is not open (someone decided first) or unknown.</summary>
    Task<ModerationItem?> DecideAsync(long communityId, long itemId, ModerationStatus status, long actorId, DateTimeOffset at);
}
