using Chaos.Streaming;
using Chaos.Tests.Infrastructure;
using Orleans.Runtime;

namespace Chaos.Tests.Streaming;

/// <summary>
/// The stream queue a pulling agent reads (docs/architecture.md#stream-queues), called across two silos: a read of an
/// empty queue waits for the next message and gets it when it is queued, not on a timer; an empty wait comes back
/// empty; a newer read replaces a waiting one, which answers empty, and gets what arrives next; a stopped reader's read
/// is cancelled; publishers are never held up by a waiting reader.
/// </summary>
public sealed class StreamQueueGrainTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task AReadOfAnEmptyQueue_WaitsForTheNextMessage_AndANewerReadTakesOver()
    {
        var cluster = await ChaosTestCluster.StartAsync(await PostgresServer.CreateDatabaseAsync());
        try
        {
            var queue = cluster.Client.GetGrain<IStreamQueueGrain>($"test/{Guid.NewGuid():N}");
            var stream = StreamId.Create("channel", 7);

            // Waiting up to the maximum: only the enqueue can end this read inside the deadline.
            var waiting = queue.Dequeue(100, StreamQueueGrain.MaxWait, CancellationToken.None);
            await Task.Yield();
            waiting.IsCompleted.ShouldBeFalse();
            await queue.Enqueue(new StreamQueueMessage(stream, ["first"], null, 0)).WaitAsync(Deadline);
            var read = await waiting.WaitAsync(Deadline);
            read.Select(m => (string)m.Events[0]).ShouldBe(["first"]);

            // Numbered in queue order, whatever the publisher set.
            await queue.Enqueue(new StreamQueueMessage(stream, ["second"], null, 0));
            await queue.Enqueue(new StreamQueueMessage(stream, ["third"], null, 0));
            var both = await queue.Dequeue(100, TimeSpan.Zero, CancellationToken.None);
            both.Select(m => (string)m.Events[0]).ShouldBe(["second", "third"]);
            both[1].Sequence.ShouldBe(both[0].Sequence + 1);
            both[0].Sequence.ShouldBeGreaterThan(read[0].Sequence);

            // A short wait with nothing queued comes back empty.
            (await queue.Dequeue(100, TimeSpan.FromMilliseconds(50), CancellationToken.None).WaitAsync(Deadline)).ShouldBeEmpty();

            // A newer read replaces a waiting one: the older answers empty at once and what is queued next goes to the
            // newer. (Which of two reads sent together reaches the grain first is not promised, so the test takes
            // whichever answered empty as the replaced one; once it has answered, both have arrived.)
            var one = queue.Dequeue(100, StreamQueueGrain.MaxWait, CancellationToken.None);
            var two = queue.Dequeue(100, StreamQueueGrain.MaxWait, CancellationToken.None);
            var replaced = await Task.WhenAny(one, two).WaitAsync(Deadline);
            (await replaced).ShouldBeEmpty();
            var newer = replaced == one ? two : one;
            newer.IsCompleted.ShouldBeFalse();
            await queue.Enqueue(new StreamQueueMessage(stream, ["kept"], null, 0));
            (await newer.WaitAsync(Deadline)).Select(m => (string)m.Events[0]).ShouldBe(["kept"]);

            // A reader that stops cancels its read; the grain answers it empty (the caller has already given up on it).
            using var stop = new CancellationTokenSource();
            var stopped = queue.Dequeue(100, StreamQueueGrain.MaxWait, stop.Token);
            await stop.CancelAsync();
            await Should.ThrowAsync<OperationCanceledException>(() => stopped.WaitAsync(Deadline));
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }
}
