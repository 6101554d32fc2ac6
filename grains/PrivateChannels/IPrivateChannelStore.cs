namespace Chaos.PrivateChannels;

/// <summary>Which DMs and groups each user is in (PostgreSQL, or memory standalone).</summary>
public interface IPrivateChannelStore
{
    Task AddRecipientsAsync(long channelId, IReadOnlyCollection<long> userIds);

    Task RemoveRecipientAsync(long channelId, long userId);

    /// <summary>Newest first.</summary>
    Task<IReadOnlyList<long>> GetChannelIdsOfUserAsync(long userId, int limit);
}
