namespace Chaos.Ai;

/// <summary>The standalone in-memory twin of <see cref="PostgresModerationStore"/>.</summary>
public sealed class InMemoryModerationStore : IModerationStore
{
    private readonly Lock gate = new();
    private readonly Dictionary<long, SortedList<long, ModerationItem>> communities = [];
    private readonly HashSet<long> messages = [];

    public Task<bool> AddAsync(ModerationItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        lock (gate)
        {
            if (!messages.Add(item.MessageId))
            {
                return Task.FromResult(false);
            }

            if (!communities.TryGetValue(item.CommunityId, out var items))
            {
                items = [];
                communities[item.CommunityId] = items;
            }

            items[item.Id] = item;
            return Task.FromResult(true);
        }
    }

    public Task<ModerationItem?> GetAsync(long communityId, long itemId)
    {
        lock (gate)
        {
            return Task.FromResult(communities.TryGetValue(communityId, out var items) && items.TryGetValue(itemId, out var item) ? item : null);
        }
    }

    public Task<IReadOnlyList<ModerationItem>> PageAsync(long communityId, ModerationStatus? status, long? before, int limit)
    {
        lock (gate)
        {
            if (!communities.TryGetValue(communityId, out var items))
            {
                return Task.FromResult<IReadOnlyList<ModerationItem>>([]);
            }

            return Task.FromResult<IReadOnlyList<ModerationItem>>([.. items.Values
                .Where(i => (status is null || i.Status == status) && (before is null || i.Id < before))
                .OrderByDescending(i => i.Id)
                .Take(limit)]);
        }
    }

    public Task<ModerationItem?> DecideAsync(long communityId, long itemId, ModerationStatus status, long actorId, DateTimeOffset at)
    {
        lock (gate)
        {
            if (!communities.TryGetValue(communityId, out var items) || !items.TryGetValue(itemId, out var item) || item.Status != ModerationStatus.Open)
            {
                return Task.FromResult<ModerationItem?>(null);
            }

            var decided = item with { Status = status };
            items[itemId] = decided;
            return Task.FromResult<ModerationItem?>(decided);
        }
    }
}
