using Chaos.Gateway;

namespace Chaos.Api.Gateway;

/// <summary>One stream event on its way from <see cref="GatewayStreamSubscriptions"/> to <see cref="GatewayEventDispatcher"/>.</summary>
public sealed class GatewayDelivery(string ns, long key, GatewayEvent evt)
{
    private readonly TaskCompletionSource done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Namespace { get; } = ns;

    public long Key { get; } = key;

    public GatewayEvent Event { get; } = evt;

    /// <summary>Completes once the event is dispatched (or dropped at shutdown); the stream's next event waits for it.</summary>
    public Task Done => done.Task;

    public void Complete() => done.TrySetResult();
}
