namespace Chaos.Messages;

/// <summary>The standalone in-memory twin of <see cref="PostgresReactionStore"/>.</summary>
public sealed class InMemoryReactionStore : IReactionStore
{
    private readonly Lock gate = new();

    // Per message: emoji in first-use order, each with its users and when each reacted.
    private readonly Dictionary<long, List<(string Emoji, SortedDictionary<long, DateTimeOffset> Users)>> messages = [];

    public Task<bool> AddAsync(long channelId, long messageId, string emoji, long userId, DateTimeOffset at)
    {
        lock (gate)
        {
            if (!messages.TryGetValue(messageId, out var list))
            {
                list = [];
                messages[messageId] = list;
            }

            var index = list.FindIndex(e => e.Emoji == emoji);
            if (index < 0)
            {
                list.Add((emoji, new SortedDictionary<long, DateTimeOffset> { [userId] = at }));
                return Task.FromResult(true);
            }

            return Task.FromResult(list[index].Users.TryAdd(userId, at));
        }
    }

    public Task<bool> RemoveAsync(long messageId, string emoji, long userId)
    {
        lock (gate)
        {
            if (!messages.TryGetValue(messageId, out var list))
            {
                return Task.FromResult(false);
            }

            var index = list.FindIndex(e => e.Emoji == emoji);
            if (index < 0 || !list[index].Users.Remove(userId))
            {
                return Task.FromResult(false);
            }

            if (list[index].Users.Count == 0)
            {
                list.RemoveAt(index);
            }

            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyList<string>> GetEmojiAsync(long messageId)
    {
        lock (gate)
        {
            return Task.FromResult<IReadOnlyList<string>>(messages.TryGetValue(messageId, out var list) ? [.. list.Select(e => e.Emoji)] : []);
        }
    }

    public Task<IReadOnlyDictionary<long, IReadOnlyList<Reaction>>> GetSummariesAsync(IReadOnlyCollection<long> messageIds, long viewerId)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        var result = new Dictionary<long, IReadOnlyList<Reaction>>();
        lock (gate)
        {
            foreach (var id in messageIds)
            {
                if (messages.TryGetValue(id, out var list) && list.Count > 0)
                {
                    result[id] = [.. list.Select(e => new Reaction(e.Emoji, e.Users.Count, e.Users.ContainsKey(viewerId)))];
                }
            }
        }

        return Task.FromResult<IReadOnlyDictionary<long, IReadOnlyList<Reaction>>>(result);
    }

    public Task<IReadOnlyList<long>> GetUsersAsync(long messageId, string emoji, long after, int limit)
    {
        lock (gate)
        {
            var users = messages.TryGetValue(messageId, out var list) && list.FirstOrDefault(e => e.Emoji == emoji).Users is { } found
                ? found.Keys.Where(u => u > after).Take(limit).ToList()
                : [];
            return Task.FromResult<IReadOnlyList<long>>(users);
        }
    }

    public Task DeleteMessageAsync(long messageId)
    {
        lock (gate)
        {
            messages.Remove(messageId);
        }

        return Task.CompletedTask;
    }
}
