namespace Chaos.Messages;

/// <summary>
/// The message store of the standalone in-memory mode, with the PostgreSQL store's semantics (including timestamps cut
/// to microseconds, as timestamptz stores them) so behaviour does not change with the storage.
/// </summary>
public sealed class InMemoryMessageStore : IMessageStore
{
    // One lock for the whole store: this mode serves one developer's process, not load.
    private readonly Lock gate = new();
    private readonly Dictionary<long, ChannelMessages> channels = [];

    public Task AppendAsync(IReadOnlyList<StoredMessage> batch, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var normalized = batch.Select(Normalize).ToList();
        lock (gate)
        {
            // Check everything before writing anything: all or nothing, like the single INSERT statement.
            var newIds = new HashSet<(long, long)>();
            var newSeqs = new HashSet<(long, long)>();
            foreach (var message in normalized)
            {
                var existing = channels.GetValueOrDefault(message.ChannelId);
                if (!newIds.Add((message.ChannelId, message.Id)) || (existing?.ById.ContainsKey(message.Id) ?? false))
                {
                    throw new DuplicateMessageException(message.ChannelId, DuplicateMessageException.IdConstraint, "A message with the same id already exists in its channel; nothing of the batch was written.");
                }

                if (!newSeqs.Add((message.ChannelId, message.Seq)) || (existing?.Seqs.Contains(message.Seq) ?? false))
                {
                    throw new DuplicateMessageException(message.ChannelId, DuplicateMessageException.SeqConstraint, "A message with the same seq already exists in its channel; nothing of the batch was written.");
                }
            }

            foreach (var message in normalized)
            {
                if (!channels.TryGetValue(message.ChannelId, out var channel))
                {
                    channel = new ChannelMessages();
                    channels.Add(message.ChannelId, channel);
                }

                channel.Add(message);
            }
        }

        return Task.CompletedTask;
    }

    public Task<StoredMessage?> GetAsync(long channelId, long messageId, CancellationToken ct)
    {
        lock (gate)
        {
            return Task.FromResult(channels.GetValueOrDefault(channelId)?.ById.GetValueOrDefault(messageId));
        }
    }

    public Task<IReadOnlyList<StoredMessage>> PageAsync(long channelId, long? before, long? after, int limit, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        lock (gate)
        {
            if (!channels.TryGetValue(channelId, out var channel))
            {
                return Task.FromResult<IReadOnlyList<StoredMessage>>([]);
            }

            var ordered = channel.Ordered;
            var page = new List<StoredMessage>(Math.Min(limit, 128));
            if (after is { } lower)
            {
                for (var n = channel.FirstIndexAbove(lower); n < ordered.Count && page.Count < limit; n++)
                {
                    if (before is { } upper && ordered[n].Id >= upper)
                    {
                        break;
                    }

                    if (!ordered[n].Deleted)
                    {
                        page.Add(ordered[n]);
                    }
                }
            }
            else
            {
                var start = before is { } upper ? channel.FirstIndexAtOrAbove(upper) - 1 : ordered.Count - 1;
                for (var n = start; n >= 0 && page.Count < limit; n--)
                {
                    if (!ordered[n].Deleted)
                    {
                        page.Add(ordered[n]);
                    }
                }

                page.Reverse();
            }

            return Task.FromResult<IReadOnlyList<StoredMessage>>(page);
        }
    }

    public Task<StoredMessage?> UpdateContentAsync(long channelId, long messageId, string content, IReadOnlyList<long> mentions, DateTimeOffset editedAt, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(mentions);
        lock (gate)
        {
            if (channels.GetValueOrDefault(channelId) is not { } channel || channel.ById.GetValueOrDefault(messageId) is not { Deleted: false } message)
            {
                return Task.FromResult<StoredMessage?>(null);
            }

            var updated = message with { Content = content, Mentions = [.. mentions], EditedAt = Microseconds(editedAt) };
            channel.Replace(updated);
            return Task.FromResult<StoredMessage?>(updated);
        }
    }

    public Task<StoredMessage?> SetFlagAsync(long channelId, long messageId, int flag, bool on, CancellationToken ct)
    {
        lock (gate)
        {
            if (channels.GetValueOrDefault(channelId) is not { } channel || channel.ById.GetValueOrDefault(messageId) is not { Deleted: false } message)
            {
                return Task.FromResult<StoredMessage?>(null);
            }

            var updated = message with { Flags = on ? message.Flags | flag : message.Flags & ~flag };
            channel.Replace(updated);
            return Task.FromResult<StoredMessage?>(updated);
        }
    }

    public Task<StoredMessage?> SetAttachmentsAsync(long channelId, long messageId, IReadOnlyList<Attachment> attachments, CancellationToken ct)
    {
        lock (gate)
        {
            if (channels.GetValueOrDefault(channelId) is not { } channel || channel.ById.GetValueOrDefault(messageId) is not { Deleted: false } message)
            {
                return Task.FromResult<StoredMessage?>(null);
            }

            var updated = message with { Attachments = [.. attachments] };
            channel.Replace(updated);
            return Task.FromResult<StoredMessage?>(updated);
        }
    }

    public Task<bool> DeleteAsync(long channelId, long messageId, CancellationToken ct)
    {
        lock (gate)
        {
            if (channels.GetValueOrDefault(channelId) is not { } channel || channel.ById.GetValueOrDefault(messageId) is not { Deleted: false } message)
            {
                return Task.FromResult(false);
            }

            channel.Replace(message with { Content = string.Empty, Mentions = [], Deleted = true, Attachments = null, Ciphertext = null });
            return Task.FromResult(true);
        }
    }

    public Task<int> CountMentionsAsync(long channelId, long userId, long afterSeq, int limit, CancellationToken ct)
    {
        lock (gate)
        {
            if (channels.GetValueOrDefault(channelId)?.MentionSeqs.GetValueOrDefault(userId) is not { Count: > 0 } seqs || afterSeq >= seqs.Max)
            {
                return Task.FromResult(0);
            }

            var count = 0;
            foreach (var _ in seqs.GetViewBetween(afterSeq + 1, seqs.Max))
            {
                if (++count == limit)
                {
                    break;
                }
            }

            return Task.FromResult(count);
        }
    }

    public Task<long> GetLastSeqAsync(long channelId, CancellationToken ct)
    {
        lock (gate)
        {
            return Task.FromResult(channels.GetValueOrDefault(channelId)?.Seqs.Max ?? 0);
        }
    }

    public Task<StoredMessage?> FindByNonceAsync(long channelId, long authorId, string nonce, DateTimeOffset notBefore, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(nonce);
        lock (gate)
        {
            return Task.FromResult(channels.GetValueOrDefault(channelId)?.FindNonce(authorId, nonce, notBefore));
        }
    }

    public Task<IReadOnlyList<StoredMessage>> FindByNoncesAsync(long channelId, IReadOnlyCollection<(long AuthorId, string Nonce)> keys, DateTimeOffset notBefore, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(keys);
        lock (gate)
        {
            // By index, as messages_nonce_idx serves PostgreSQL: a lookup never scans the channel.
            var channel = channels.GetValueOrDefault(channelId);
            var found = keys.Distinct().Select(key => channel?.FindNonce(key.AuthorId, key.Nonce, notBefore)).OfType<StoredMessage>();
            return Task.FromResult<IReadOnlyList<StoredMessage>>([.. found]);
        }
    }

    public Task<IReadOnlyList<StoredMessage>> GetAfterSeqAsync(long channelId, long afterSeq, int limit, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        lock (gate)
        {
            var ordered = channels.GetValueOrDefault(channelId)?.Ordered ?? [];
            // Ordered by id, and a channel's ids and seqs rise together (the commit loop assigns both in order): find
            // the first seq above afterSeq by binary search.
            int low = 0, high = ordered.Count;
            while (low < high)
            {
                var middle = (low + high) / 2;
                if (ordered[middle].Seq <= afterSeq)
                {
                    low = middle + 1;
                }
                else
                {
                    high = middle;
                }
            }

            var page = new List<StoredMessage>(Math.Min(limit, 256));
            for (var n = low; n < ordered.Count && page.Count < limit; n++)
            {
                if (!ordered[n].Deleted)
                {
                    page.Add(ordered[n]);
                }
            }

            return Task.FromResult<IReadOnlyList<StoredMessage>>(page);
        }
    }

    public Task<IReadOnlyList<StoredMessage>> GetRecentAsync(long channelId, int count, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        lock (gate)
        {
            if (!channels.TryGetValue(channelId, out var channel))
            {
                return Task.FromResult<IReadOnlyList<StoredMessage>>([]);
            }

            var skip = Math.Max(0, channel.Ordered.Count - count);
            return Task.FromResult<IReadOnlyList<StoredMessage>>(channel.Ordered.GetRange(skip, channel.Ordered.Count - skip));
        }
    }

    /// <summary>The visible messages of the given channels, for the in-memory search (a scan: this mode serves one developer).</summary>
    internal List<StoredMessage> Visible(IReadOnlyCollection<long> channelIds)
    {
        lock (gate)
        {
            return [.. channelIds.Distinct().SelectMany(id => channels.TryGetValue(id, out var channel) ? channel.Ordered : []).Where(m => !m.Deleted)];
        }
    }

    private static StoredMessage Normalize(StoredMessage message) => message with
    {
        CreatedAt = Microseconds(message.CreatedAt),
        EditedAt = message.EditedAt is { } edited ? Microseconds(edited) : null,

        // A private copy: the caller's list may change after the append.
        Mentions = [.. message.Mentions],
    };

    private static DateTimeOffset Microseconds(DateTimeOffset value)
    {
        var utc = value.ToUniversalTime();
        return new DateTimeOffset(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);
    }

    /// <summary>One channel's messages ordered by id, as the primary key orders them.</summary>
    private sealed class ChannelMessages
    {
        public List<StoredMessage> Ordered { get; } = [];

        public Dictionary<long, StoredMessage> ById { get; } = [];

        public SortedSet<long> Seqs { get; } = [];

        /// <summary>The id of the newest message of each author and nonce.</summary>
        private readonly Dictionary<(long Author, string Nonce), long> newestByNonce = [];

        /// <summary>The seqs of visible messages mentioning each user: the in-memory twin of the message_mentions table.</summary>
        public Dictionary<long, SortedSet<long>> MentionSeqs { get; } = [];

        public void Add(StoredMessage message)
        {
            // Ids grow with time, so this is an append except for the rare late arrival.
            var index = Ordered.Count == 0 || Ordered[^1].Id < message.Id ? Ordered.Count : FirstIndexAbove(message.Id);
            Ordered.Insert(index, message);
            ById.Add(message.Id, message);
            Seqs.Add(message.Seq);
            IndexMentions(message, add: true);
            if (message.Nonce is { } nonce && (!newestByNonce.TryGetValue((message.AuthorId, nonce), out var newest) || newest < message.Id))
            {
                newestByNonce[(message.AuthorId, nonce)] = message.Id;
            }
        }

        /// <summary>The newest message of this author with this nonce, if it was created at or after <paramref name="notBefore"/>.</summary>
        public StoredMessage? FindNonce(long authorId, string nonce, DateTimeOffset notBefore) =>
            newestByNonce.TryGetValue((authorId, nonce), out var id) && ById[id] is var message && message.CreatedAt >= notBefore ? message : null;

        public void Replace(StoredMessage message)
        {
            IndexMentions(ById[message.Id], add: false);
            Ordered[FirstIndexAtOrAbove(message.Id)] = message;
            ById[message.Id] = message;
            IndexMentions(message, add: true);
        }

        private void IndexMentions(StoredMessage message, bool add)
        {
            if (message.Deleted)
            {
                return;
            }

            foreach (var userId in message.Mentions)
            {
                if (add)
                {
                    if (!MentionSeqs.TryGetValue(userId, out var seqs))
                    {
                        MentionSeqs[userId] = seqs = [];
                    }

                    seqs.Add(message.Seq);
                }
                else if (MentionSeqs.TryGetValue(userId, out var seqs) && seqs.Remove(message.Seq) && seqs.Count == 0)
                {
                    MentionSeqs.Remove(userId);
                }
            }
        }

        /// <summary>The index of the first message whose id is greater than <paramref name="id"/>.</summary>
        public int FirstIndexAbove(long id) => Search(id, inclusive: false);

        /// <summary>The index of the first message whose id is <paramref name="id"/> or greater.</summary>
        public int FirstIndexAtOrAbove(long id) => Search(id, inclusive: true);

        private int Search(long id, bool inclusive)
        {
            int low = 0, high = Ordered.Count;
            while (low < high)
            {
                var middle = low + ((high - low) / 2);
                var candidate = Ordered[middle].Id;
                if (candidate < id || (!inclusive && candidate == id))
                {
                    low = middle + 1;
                }
                else
                {
                    high = middle;
                }
            }

            return low;
        }
    }
}
