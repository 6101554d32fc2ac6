using Chaos.Streaming;
using Chaos.Tests.Client;
using Orleans.Providers.Streams.Common;
using Orleans.Runtime;
using Orleans.Streams;

namespace Chaos.Tests.Streaming;

/// <summary>
/// The start rules the gateway relies on from a pulling agent's cache (docs/architecture.md#stream-queues): from a token at
/// its message, without one at the next message to arrive, never moved past what it has not delivered, and a consumer left behind skips ahead
/// instead of holding the queue.
/// </summary>
public sealed class StreamQueueCacheTests
{
    private static readonly StreamId A = StreamId.Create("channel", 1);
    private static readonly StreamId B = StreamId.Create("channel", 2);

    private readonly ManualClock clock = new();
    private readonly StreamQueueCache cache;
    private long sequence = 100;

    public StreamQueueCacheTests() => cache = new StreamQueueCache(clock);

    [Fact]
    public void ACursorWithoutAToken_StartsAtTheNextMessage()
    {
        Add(A, "before");
        using var cursor = cache.GetCacheCursor(A, null);
        cursor.MoveNextWithResult().Kind.ShouldBe(QueueCacheCursorMoveResultKind.NoData);

        Add(B, "other stream");
        Add(A, "after");
        Read(cursor).ShouldBe(["after"]);
    }

    [Fact]
    public void ACursorFromAToken_StartsAtItsMessage_AndSeesOnlyItsStream()
    {
        Add(A, "a1");
        var b1 = Add(B, "b1");
        Add(A, "a2");
        Add(B, "b2");

        using var fromB1 = cache.GetCacheCursor(A, b1.SequenceToken);
        Read(fromB1).ShouldBe(["a2"]);
        using var bFromB1 = cache.GetCacheCursor(B, b1.SequenceToken);
        Read(bFromB1).ShouldBe(["b1", "b2"]);
    }

    [Fact]
    public void ATokenOlderThanTheCache_StartsAtTheOldest_AndANewerOne_WaitsForItsMessage()
    {
        var a1 = Add(A, "a1");
        Add(A, "a2");
        using var old = cache.GetCacheCursor(A, new EventSequenceTokenV2(a1.Sequence - 50));
        Read(old).ShouldBe(["a1", "a2"]);

        using var future = cache.GetCacheCursor(A, new EventSequenceTokenV2(sequence + 1));
        future.MoveNextWithResult().Kind.ShouldBe(QueueCacheCursorMoveResultKind.NoData);
        Add(A, "a3: still before the token");
        Add(A, "a4: the token's own");
        Read(future).ShouldBe(["a4: the token's own"]);
    }

    [Fact]
    public void Refresh_NeverSkipsWhatACursorHasNotDelivered()
    {
        using var cursor = cache.GetCacheCursor(A, null);
        Add(A, "a1");
        Add(A, "a2");
        cursor.MoveNextWithResult().Kind.ShouldBe(QueueCacheCursorMoveResultKind.Success);

        // The agent refreshes busy cursors with each new batch's first token; a1 is being delivered, a2 and a3 are due.
        var a3 = Add(A, "a3");
        cursor.Refresh(a3.SequenceToken);
        Read(cursor).ShouldBe(["a2", "a3"]);
    }

    [Fact]
    public void OldMessagesLeave_AndACursorLeftBehind_SkipsAheadWithoutHoldingTheQueue()
    {
        using var stuck = cache.GetCacheCursor(A, null);
        Add(A, "old");
        clock.Advance(StreamQueueCache.Keep + TimeSpan.FromSeconds(1));
        Add(A, "young");

        cache.IsUnderPressure().ShouldBeFalse();
        cache.TryPurgeFromCache(out var purged).ShouldBeTrue();
        purged.Cast<StreamQueueMessage>().Select(m => (string)m.Events[0]).ShouldBe(["old"]);
        cache.Count.ShouldBe(1);
        Read(stuck).ShouldBe(["young"]);
        cache.TryPurgeFromCache(out _).ShouldBeFalse();
    }

    [Fact]
    public void TheCacheHoldsAtMostItsBound_HoweverYoung()
    {
        for (var i = 0; i < StreamQueueCache.MaxCached + 10; i++)
        {
            Add(B, "filler");
        }

        cache.TryPurgeFromCache(out var purged).ShouldBeTrue();
        purged.Count.ShouldBe(10);
        cache.Count.ShouldBe(StreamQueueCache.MaxCached);
        using var cursor = cache.GetCacheCursor(A, null);
        Add(A, "after the bound");
        Read(cursor).ShouldBe(["after the bound"]);
    }

    private StreamQueueMessage Add(StreamId stream, string text)
    {
        var message = new StreamQueueMessage(stream, [text], null, sequence++);
        cache.AddToCache([message]);
        return message;
    }

    private static List<string> Read(IQueueCacheCursor cursor)
    {
        var read = new List<string>();
        while (cursor.MoveNextWithResult().Kind == QueueCacheCursorMoveResultKind.Success)
        {
            var batch = cursor.GetCurrent(out var exception);
            exception.ShouldBeNull();
            read.AddRange(batch!.GetEvents<string>().Select(e => e.Item1));
        }

        return read;
    }
}
