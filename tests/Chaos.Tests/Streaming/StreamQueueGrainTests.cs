using Chaos.Streaming;
using Chaos.Tests.Infrastructure;
using Orleans.Runtime;

namespace Chaos.Tests.Streaming;

/// <summary>
/// The stream queue a pulling agent reads (docs/architecture.md#stream-queues), called across two silos: a read of an
/// empty queue waits for the next message and gets it when it is queued, not on a timer; an empty wait and a stopped
/// reader come back empty and leave what arrives queued; publishers are never held up by a waiting reader.
/// </summary>
public sealed class StreamQueueGrainTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task AReadOfAnEmptyQueue_WaitsForTheNextMessage_AndStoppingLeavesItQueued()
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

            // A reader that stops hears its read cancelled at once; the grain hears of it a hop later, so the next
            // reader's first read is what surely replaces the read left waiting. What is queued then goes to the next
            // reader, not to the one that stopped.
            using var stop = new CancellationTokenSource();
            var stopped = queue.Dequeue(100, StreamQueueGrain.MaxWait, stop.Token);
            await stop.CancelAsync();
            await Should.ThrowAsync<OperationCanceledException>(() => stopped.WaitAsync(Deadline));
            (await queue.Dequeue(100, TimeSpan.Zero, CancellationToken.None).WaitAsync(Deadline)).ShouldBeEmpty();
            var next = queue.Dequeue(100, StreamQueueGrain.MaxWait, CancellationToken.None);
            await queue.Enqueue(new StreamQueueMessage(stream, ["kept"], null, 0));
            (await next.WaitAsync(Deadline)).Select(m => (string)m.Events[0]).ShouldBe(["kept"]);
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }
}
