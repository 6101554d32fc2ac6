using Orleans.Concurrency;

namespace Chaos.Streaming;

/// <summary>
/// One queue of CHAOS's stream provider: publishers enqueue, and the pulling agent that owns the queue waits on
/// <see cref="Dequeue"/> until something arrives instead of polling on a timer (docs/architecture.md#stream-queues).
/// </summary>
public interface IStreamQueueGrain : IGrainWithStringKey
{
    /// <summary>Queues <paramref name="message"/> behind everything queued before it and wakes a waiting reader.</summary>
    Task Enqueue(StreamQueueMessage message);

    /// <summary>
    /// Up to <paramref name="maxCount"/> messages, oldest first; when the queue is empty, waits up to
    /// <paramref name="wait"/> (or until <paramref name="cancellation"/>) for the first to arrive, then answers with an
    /// empty list if none did. Interleaves, so publishers are never held up by a waiting reader.
    /// </summary>
    [AlwaysInterleave]
    Task<List<StreamQueueMessage>> Dequeue(int maxCount, TimeSpan wait, CancellationToken cancellation);
}
