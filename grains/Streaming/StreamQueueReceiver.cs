using Orleans.Streams;

namespace Chaos.Streaming;

/// <summary>
/// The pulling agent's reader of one <see cref="IStreamQueueGrain"/>: each read waits in the queue until a message
/// arrives or <paramref name="wait"/> passes, so the agent's pump loop sleeps inside the call instead of waking on its timer
/// (docs/architecture.md#stream-queues).
/// </summary>
internal sealed class StreamQueueReceiver(IStreamQueueGrain queue, TimeSpan wait) : IQueueAdapterReceiver
{
    private readonly CancellationTokenSource stopping = new();
    private Task? reading;

    public Task Initialize(TimeSpan timeout) => Task.CompletedTask;

    public Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount) => GetQueueMessagesAsync(maxCount, CancellationToken.None);

    public async Task<IList<IBatchContainer>> GetQueueMessagesAsync(int maxCount, CancellationToken cancellationToken)
    {
        if (stopping.IsCancellationRequested)
        {
            return [];
        }

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping.Token, cancellationToken);
        var read = queue.Dequeue(maxCount, wait, linked.Token);
        reading = read;
        try
        {
            var messages = await read;
            return [.. messages];
        }
        catch (OperationCanceledException) when (linked.IsCancellationRequested)
        {
            return [];
        }
    }

    public Task MessagesDeliveredAsync(IList<IBatchContainer> messages) => Task.CompletedTask;

    public async Task Shutdown(TimeSpan timeout)
    {
        await stopping.CancelAsync();
        if (reading is { } read)
        {
            try
            {
                await read.WaitAsync(timeout);
            }
            catch (Exception exception) when (exception is OperationCanceledException or TimeoutException)
            {
                // A read cut short by stopping; anything it would have returned stays queued for the next owner.
            }
        }
    }
}
