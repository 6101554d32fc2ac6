namespace Chaos.PrivateChannels;

/// <summary>The standalone in-memory twin of <see cref="PostgresPrivateChannelStore"/>; no other mode uses it.</summary>
public sealed class InMemoryPrivateChannelStore : IPrivateChannelStore
{
    private readonly Lock gate = new();
    private readonly Dictionary<long, SortedSet<long>> channelsByUser = [];
    private readonly HashSet<long> groups = [];

    public Task AddRecipientsAsync(long channelId, IReadOnlyCollection<long> userIds, bool group)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        lock (gate)
        {
            if (group)
            {
                groups.Add(channelId);
            }

            foreach (var userId in userIds)
            {
                if (!channelsByUser.TryGetValue(userId, out var set))
                {
                    channelsByUser[userId] = set = [];
                }

                set.Add(channelId);
            }
        }

        return Task.CompletedTask;
    }

    public Task<long?> AddGroupRecipientsAsync(long channelId, IReadOnlyCollection<long> userIds, int cap)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        lock (gate)
        {
            foreach (var userId in userIds)
            {
                if (channelsByUser.TryGetValue(userId, out var set) && set.Count(c => c != channelId && groups.Contains(c)) >= cap)
                {
                    return Task.FromResult<long?>(userId);
                }
            }

            AddRecipientsAsync(channelId, userIds, group: true);
            return Task.FromResult<long?>(null);
        }
    }

    public Task RemoveRecipientAsync(long channelId, long userId)
    {
        lock (gate)
        {
            channelsByUser.GetValueOrDefault(userId)?.Remove(channelId);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<long>> GetChannelIdsOfUserAsync(long userId, int limit)
    {
        lock (gate)
        {
            return Task.FromResult<IReadOnlyList<long>>(channelsByUser.TryGetValue(userId, out var set) ? [.. set.Reverse().Take(limit)] : []);
        }
    }

    public Task<int> CountGroupsOfUserAsync(long userId)
    {
        lock (gate)
        {
            return Task.FromResult(channelsByUser.TryGetValue(userId, out var set) ? set.Count(groups.Contains) : 0);
        }
    }
}
