namespace Chaos.Messages;

/// <summary>The standalone in-memory twin of <see cref="PostgresPinStore"/>.</summary>
public sealed class InMemoryPinStore : IPinStore
{
    private readonly Lock gate = new();
    private readonly Dictionary<long, List<(long MessageId, DateTimeOffset At)>> channels = [];

    public Task<bool> PinAsync(long channelId, long messageId, DateTimeOffset at)
    {
        lock (gate)
        {
            if (!channels.TryGetValue(channelId, out var pins))
            {
                pins = [];
                channels[channelId] = pins;
            }

            if (pins.Exists(p => p.MessageId == messageId))
            {
                return Task.FromResult(false);
            }

            pins.Add((messageId, at));
            return Task.FromResult(true);
        }
    }

    public Task<bool> UnpinAsync(long channelId, long messageId)
    {
        lock (gate)
        {
            return Task.FromResult(channels.TryGetValue(channelId, out var pins) && pins.RemoveAll(p => p.MessageId == messageId) > 0);
        }
    }

    public Task<IReadOnlyList<long>> GetPinsAsync(long channelId)
    {
        lock (gate)
        {
            return Task.FromResult<IReadOnlyList<long>>(channels.TryGetValue(channelId, out var pins)
                ? [.. pins.OrderByDescending(p => p.At).ThenByDescending(p => p.MessageId).Select(p => p.MessageId)]
                : []);
        }
    }

    public Task<IReadOnlySet<long>> GetPinnedAsync(IReadOnlyCollection<long> messageIds)
    {
        ArgumentNullException.ThrowIfNull(messageIds);
        lock (gate)
        {
            var all = channels.Values.SelectMany(p => p).Select(p => p.MessageId).ToHashSet();
            return Task.FromResult<IReadOnlySet<long>>(messageIds.Where(all.Contains).ToHashSet());
        }
    }
}
