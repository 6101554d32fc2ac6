namespace Chaos.PrivateChannels;

/// <summary>Which DMs and groups each user is in (PostgreSQL, or memory standalone).</summary>
public interface IPrivateChannelStore
{
    /// <summary>Adds the users to the channel; <paramref name="group"/> marks a group DM (counted by <see cref="CountGroupsOfUserAsync"/>).</summary>
    Task AddRecipientsAsync(long channelId, IReadOnlyCollection<long> userIds, bool group);

    Task RemoveRecipientAsync(long channelId, long userId);

    /// <summary>Newest first.</summary>
    Task<IReadOnlyList<long>> GetChannelIdsOfUserAsync(long userId, int limit);

    /// <summary>How many group DMs the user is in (for <see cref="PrivateChannelRules.MaxGroupsPerUser"/>).</summary>
    Task<int> CountGroupsOfUserAsync(long userId);
}
