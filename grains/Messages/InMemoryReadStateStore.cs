namespace Chaos.Messages;

/// <summary>
/// The standalone in-memory twin of <see cref="PostgresReadStateStore"/>: unread from the channel's highest seq, mentions
/// from the message store's per-user mention index, both bounded however long the channel is.
/// </summary>
public sealed class InMemoryReadStateStore(IMessageStore messages) : IReadStateStore
{
    private readonly Lock gate = new();
    private readonly Dictionary<(long User, long Channel), (long MessageId, long Seq)> states = [];

    public Task SetAsync(long userId, long channelId, long lastReadMessageId, long lastReadSeq)
    {
        lock (gate)
        {
            if (!states.TryGetValue((userId, channelId), out var current) || current.Seq < lastReadSeq)
            {
                states[(userId, channelId)] = (lastReadMessageId, lastReadSeq);
            }
        }

        return Task.CompletedTask;
    }

    public async Task<IReadOnlyList<ReadState>> GetForUserAsync(long userId)
    {
        List<(long Channel, long MessageId, long Seq)> mine;
        lock (gate)
        {
            mine = [.. states.Where(s => s.Key.User == userId).Select(s => (s.Key.Channel, s.Value.MessageId, s.Value.Seq)).OrderBy(s => s.Channel)];
        }

        var result = new List<ReadState>();
        foreach (var (channel, messageId, seq) in mine)
        {
            result.Add(await CountAsync(userId, channel, messageId, seq));
        }

        return result;
    }

    public async Task<ReadState?> GetAsync(long userId, long channelId)
    {
        (long MessageId, long Seq) state;
        lock (gate)
        {
            if (!states.TryGetValue((userId, channelId), out state))
            {
                return null;
            }
        }

        return await CountAsync(userId, channelId, state.MessageId, state.Seq);
    }

    private async Task<ReadState> CountAsync(long userId, long channelId, long messageId, long seq)
    {
        // Both reads are indexed (the highest seq, the user's mention seqs): nothing here walks the channel's messages.
        var last = await messages.GetLastSeqAsync(channelId, CancellationToken.None);
        var mentions = await messages.CountMentionsAsync(channelId, userId, seq, MessageRules.MaxCountedMentions, CancellationToken.None);
        return new ReadState(channelId, messageId, (int)Math.Max(0, last - seq), mentions);
    }
}
