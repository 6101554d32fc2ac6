namespace Chaos.PrivateChannels;

/// <summary>Which DMs and groups each user is in (PostgreSQL, or memory standalone).</summary>
public interface IPrivateChannelStore
{
    /// <summary>Adds the users to the channel; <paramref name="group"/> marks a group DM (counted by <see cref="CountGroupsOfUserAsync"/>).</summary>
    Task AddRecipientsAsync(long channelId, IReadOnlyCollection<long> userIds, bool group);

    /// <summary>
    /// Adds the users to a group DM unless one of them is in <paramref name="cap"/> other groups already: all or nothing, and
    /// exact however many additions race for the same user (docs/api.md#limits). Answers the first user found at the cap
    /// (nothing added), or null.
    /// </summary>
    Task<long?> AddGroupRecipientsAsync(long channelId, IReadOnlyCollection<long> userIds, int cap);

    Task RemoveRecipientAsync(long channelId, long userId);

    /// <summary>Newest first.</summary>
    Task<IReadOnlyList<long>> GetChannelIdsOfUserAsync(long userId, int limit);

    /// <summary>How many group DMs the user is in (for <see cref="PrivateChannelRules.MaxGroupsPerUser"/>).</summary>
    Task<int> CountGroupsOfUserAsync(long userId);
}
