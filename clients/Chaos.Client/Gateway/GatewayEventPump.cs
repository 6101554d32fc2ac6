using System.Threading.Channels;

namespace Chaos.Client.Gateway;

/// <summary>
/// Raises the gateway's events one at a time, in arrival order, on one background task, so handlers never run on the
/// socket's thread and never race each other; a handler that throws is reported and does not stop the others.
/// </summary>
internal sealed class GatewayEventPump : IAsyncDisposable
{
    private readonly Channel<Func<Task>> inbox = Channel.CreateUnbounded<Func<Task>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Action<string, Exception> handlerFailed;
    private readonly Task pump;

    /// <param name="handlerFailed">Told of each handler that threw: the event's name and the exception.</param>
    public GatewayEventPump(Action<string, Exception> handlerFailed)
    {
        this.handlerFailed = handlerFailed;
        pump = Task.Run(PumpAsync);
    }

    /// <summary>Queues work behind everything received so far; returns at once (the socket is never held up).</summary>
    public Task Enqueue(Func<Task> work)
    {
        inbox.Writer.TryWrite(work);
        return Task.CompletedTask;
    }

    /// <summary>Calls each of <paramref name="handler"/>'s subscribers in turn; one that throws is reported, the rest still run.</summary>
    public Task Raise<T>(string name, Action<T>? handler, T payload)
    {
        if (handler is null)
        {
            return Task.CompletedTask;
        }

        foreach (var single in handler.GetInvocationList().Cast<Action<T>>())
        {
            try
            {
                single(payload);
            }
            catch (Exception exception)
            {
                handlerFailed(name, exception);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>Runs what is queued, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        inbox.Writer.TryComplete();
        await pump;
    }

    private async Task PumpAsync()
    {
        await foreach (var work in inbox.Reader.ReadAllAsync())
        {
            try
            {
                await work();
            }
            catch (Exception exception)
            {
                handlerFailed("gateway", exception);
            }
        }
    }
}
