namespace Chaos.Streaming;

/// <summary>
/// <see cref="IStreamQueueGrain"/>: an in-memory queue, like Orleans' memory stream queue, whose reader waits for the next
/// message instead of asking every few milliseconds — so an idle silo does no stream work and a published event is
/// read the moment it is queued (docs/architecture.md#stream-queues). What it holds is lost with its silo, as with the
/// memory streams; the gateway's gap filling by <c>seq</c> covers channel events (docs/architecture.md#delivery).
/// </summary>
internal sealed class StreamQueueGrain : Grain, IStreamQueueGrain
{
    /// <summary>More than this many unread messages means no agent is reading: publishers get an error rather than the silo its memory.</summary>
    internal const int MaxQueued = 16_384;

    /// <summary>A longer wait is cut to this, well inside Orleans' 30 s response timeout.</summary>
    internal static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(20);

    private readonly Queue<StreamQueueMessage> queue = new();

    // Starts from the clock, so a reactivated queue never hands out a number the agents' caches have already seen.
    private long sequence = DateTime.UtcNow.Ticks;

    // The read waiting for the next message: true when one arrives, false when a newer read replaces it (an agent has
    // one read out at a time, so a newer read means this one's reader stopped or the queue changed hands).
    private TaskCompletionSource<bool>? waiting;

    public Task Enqueue(StreamQueueMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (queue.Count >= MaxQueued)
        {
            throw new InvalidOperationException($"Stream queue {this.GetPrimaryKeyString()} holds {MaxQueued} unread messages; nothing is reading it.");
        }

        queue.Enqueue(message with { Sequence = sequence++ });
        waiting?.TrySetResult(true);
        waiting = null;
        return Task.CompletedTask;
    }

    public async Task<List<StreamQueueMessage>> Dequeue(int maxCount, TimeSpan wait, CancellationToken cancellation)
    {
        waiting?.TrySetResult(false);
        waiting = null;
        if (queue.Count == 0 && wait > TimeSpan.Zero && !cancellation.IsCancellationRequested)
        {
            var mine = waiting = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            var current = true;
            try
            {
                current = await mine.Task.WaitAsync(wait < MaxWait ? wait : MaxWait, cancellation);
            }
            catch (TimeoutException)
            {
                // Nothing arrived: the reader asks again.
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                // The reader is stopping.
            }

            if (waiting == mine)
            {
                waiting = null;
            }

            if (!current || cancellation.IsCancellationRequested)
            {
                // Replaced or stopped: its caller no longer listens, so what arrived stays queued for the next read.
                return [];
            }
        }

        var take = Math.Min(queue.Count, maxCount > 0 ? maxCount : queue.Count);
        var batch = new List<StreamQueueMessage>(take);
        for (var i = 0; i < take; i++)
        {
            batch.Add(queue.Dequeue());
        }

        return batch;
    }
}
