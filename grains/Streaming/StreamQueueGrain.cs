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

    private TaskCompletionSource? arrived;

    public Task Enqueue(StreamQueueMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (queue.Count >= MaxQueued)
        {
            throw new InvalidOperationException($"Stream queue {this.GetPrimaryKeyString()} holds {MaxQueued} unread messages; nothing is reading it.");
        }

        queue.Enqueue(message with { Sequence = sequence++ });
        var waiting = arrived;
        arrived = null;
        waiting?.TrySetResult();
        return Task.CompletedTask;
    }

    public async Task<List<StreamQueueMessage>> Dequeue(int maxCount, TimeSpan wait, CancellationToken cancellation)
    {
        if (queue.Count == 0 && wait > TimeSpan.Zero && !cancellation.IsCancellationRequested)
        {
            arrived ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            try
            {
                await arrived.Task.WaitAsync(wait < MaxWait ? wait : MaxWait, cancellation);
            }
            catch (TimeoutException)
            {
                // Nothing arrived: the reader asks again.
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                // The reader is stopping.
            }

            if (cancellation.IsCancellationRequested)
            {
                // Its caller no longer listens: what arrived meanwhile stays queued for the queue's next reader.
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
