using Chaos.Messages;

namespace Chaos.E2ee;

/// <summary>The standalone mode's MLS message store, with the PostgreSQL store's semantics.</summary>
public sealed class InMemoryMlsStore : IMlsStore
{
    private readonly Lock gate = new();
    private readonly Dictionary<long, SortedList<long, (MlsMessage Message, IReadOnlyList<long> Recipients)>> channels = [];

    public Task AppendAsync(MlsMessage message, IReadOnlyList<long> recipientDeviceIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        lock (gate)
        {
            if (!channels.TryGetValue(message.ChannelId, out var list))
            {
                list = [];
                channels[message.ChannelId] = list;
            }

            if (list.ContainsKey(message.Seq))
            {
                throw new DuplicateMessageException(message.ChannelId, PostgresMlsStore.SeqConstraint, "An MLS message with the same seq already exists in its channel.");
            }

            // Microseconds, as timestamptz keeps them.
            var created = new DateTimeOffset(message.CreatedAt.UtcTicks - (message.CreatedAt.UtcTicks % 10), TimeSpan.Zero);
            list.Add(message.Seq, (message with { CreatedAt = created }, [.. recipientDeviceIds]));
        }

        return Task.CompletedTask;
    }

    public Task<long> GetLastSeqAsync(long channelId, CancellationToken ct)
    {
        lock (gate)
        {
            return Task.FromResult(channels.TryGetValue(channelId, out var list) && list.Count > 0 ? list.Keys[^1] : 0L);
        }
    }

    public Task<long> GetEpochAsync(long channelId, CancellationToken ct)
    {
        lock (gate)
        {
            var commits = channels.GetValueOrDefault(channelId)?.Values.Where(v => v.Message.Kind == MlsKind.Commit).ToList();
            return Task.FromResult(commits is { Count: > 0 } ? commits.Max(c => c.Message.Epoch) + 1 : 0L);
        }
    }

    public Task<IReadOnlyList<MlsMessage>> PageAsync(long channelId, long afterSeq, long? deviceId, int limit, CancellationToken ct)
    {
        lock (gate)
        {
            if (!channels.TryGetValue(channelId, out var list))
            {
                return Task.FromResult<IReadOnlyList<MlsMessage>>([]);
            }

            return Task.FromResult<IReadOnlyList<MlsMessage>>([.. list.Values
                .Where(v => v.Message.Seq > afterSeq && (v.Message.Kind != MlsKind.Welcome || (deviceId is { } device && v.Recipients.Contains(device))))
                .Take(limit)
                .Select(v => v.Message)]);
        }
    }
}
