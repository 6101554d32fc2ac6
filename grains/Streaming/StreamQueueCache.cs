using Orleans.Runtime;
using Orleans.Streams;

namespace Chaos.Streaming;

/// <summary>
/// A pulling agent's cache of what it read from its queue, with the start rules CHAOS's gateway relies on: a cursor
/// from a token starts at the first message at or after it (at the oldest cached when the token is older than
/// everything; messages numbered below a token newer than everything are skipped), a cursor without one starts at the
/// next message to arrive, a cursor never moves except by reading, and nothing ever throws or holds the queue back.
/// Messages leave after <see cref="Keep"/> or beyond <see cref="MaxCached"/>, whether or not every cursor has passed
/// them: a consumer stuck that long skips ahead instead of stopping the queue for every other stream
/// (docs/architecture.md#stream-queues).
/// </summary>
internal sealed class StreamQueueCache(TimeProvider clock) : IQueueCache
{
    /// <summary>How long a read message stays for cursors that have not reached it.</summary>
    internal static readonly TimeSpan Keep = TimeSpan.FromSeconds(30);

    /// <summary>At most this many messages stay, however young.</summary>
    internal const int MaxCached = 16_384;

    private const int MaxAdd = 1_024;

    // items[head..] are cached; the purged prefix is cut off in chunks.
    private readonly List<(StreamQueueMessage Message, DateTimeOffset Added)> items = [];
    private int head;

    /// <summary>The position (counted since the cache began) of the oldest cached message.</summary>
    private long first;

    /// <summary>The position the next message read will take.</summary>
    internal long End => first + Count;

    internal int Count => items.Count - head;

    public int GetMaxAddCount() => MaxAdd;

    public void AddToCache(IList<IBatchContainer> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var now = clock.GetUtcNow();
        foreach (var message in messages)
        {
            items.Add(((StreamQueueMessage)message, now));
        }
    }

    public bool TryPurgeFromCache(out IList<IBatchContainer> purgedItems)
    {
        var now = clock.GetUtcNow();
        List<IBatchContainer>? purged = null;
        while (Count > 0 && (Count > MaxCached || now - items[head].Added > Keep))
        {
            (purged ??= []).Add(items[head].Message);
            items[head++] = default;
            first++;
        }

        if (head > 1_024 && head > items.Count / 2)
        {
            items.RemoveRange(0, head);
            head = 0;
        }

        purgedItems = purged ?? [];
        return purged is not null;
    }

    public bool IsUnderPressure() => false;

    public IQueueCacheCursor GetCacheCursor(StreamId streamId, StreamSequenceToken? token) =>
        new Cursor(this, streamId, StartOf(token), token?.SequenceNumber ?? long.MinValue);

    /// <summary>Where a cursor from <paramref name="token"/> starts (see the class summary).</summary>
    internal long StartOf(StreamSequenceToken? token)
    {
        if (token is null)
        {
            return End;
        }

        // Messages are in queue order, so the first at or after the token is found from the newest end backwards.
        var index = items.Count;
        while (index > head && items[index - 1].Message.Sequence >= token.SequenceNumber)
        {
            index--;
        }

        return first + (index - head);
    }

    /// <summary>The message at <paramref name="position"/>, which must be between the oldest cached and <see cref="End"/>.</summary>
    private StreamQueueMessage At(long position) => items[head + (int)(position - first)].Message;

    private sealed class Cursor(StreamQueueCache cache, StreamId streamId, long next, long from) : IQueueCacheCursor
    {
        private long next = next;

        private StreamQueueMessage? current;

        public IBatchContainer? GetCurrent(out Exception? exception)
        {
            exception = null;
            return current;
        }

        public bool MoveNext()
        {
            // A cursor left behind by purging skips to the oldest message still cached.
            var position = Math.Max(next, cache.first);
            var end = cache.End;
            while (position < end)
            {
                var message = cache.At(position++);
                if (message.Sequence >= from && message.StreamId.Equals(streamId))
                {
                    next = position;
                    current = message;
                    return true;
                }
            }

            next = position;
            return false;
        }

        public void Refresh(StreamSequenceToken token)
        {
            // Nothing to do: a cursor here is positioned from creation on. The agent refreshes every consumer's cursor
            // with the first token of each new batch, busy ones included; moving one forward then skipped what it had
            // not yet delivered (the edits benchmark lost a quarter of its updates that way).
        }

        public void RecordDeliveryFailure()
        {
        }

        public void Dispose()
        {
        }
    }
}
