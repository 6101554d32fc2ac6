using System.Threading.Channels;
using Chaos.Gateway;

namespace Chaos.Api.Gateway;

/// <summary>
/// Hands stream events from <see cref="GatewayStreamSubscriptions"/> to <see cref="GatewayEventDispatcher"/>. Events cause
/// subscriptions (a new DM, a granted channel), so the two depend on each other at run time; this queue lets each be built
/// with only what it needs. A posted event completes when it is dispatched, so each stream still delivers in order and
/// waits for its previous event, exactly as when the subscription called the dispatcher itself.
/// </summary>
public sealed class GatewayEventInbox
{
    private readonly Channel<GatewayDelivery> deliveries = Channel.CreateUnbounded<GatewayDelivery>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });

    /// <summary>Queues one event; the task completes once it has been dispatched (at once after <see cref="Close"/>).</summary>
    public Task PostAsync(string ns, long key, GatewayEvent evt)
    {
        var delivery = new GatewayDelivery(ns, key, evt);
        return deliveries.Writer.TryWrite(delivery) ? delivery.Done : Task.CompletedTask;
    }

    public IAsyncEnumerable<GatewayDelivery> ReadAllAsync(CancellationToken cancellationToken) =>
        deliveries.Reader.ReadAllAsync(cancellationToken);

    /// <summary>At shutdown: accepts nothing more and releases whatever is still queued, so no stream waits forever.</summary>
    public void Close()
    {
        deliveries.Writer.TryComplete();
        while (deliveries.Reader.TryRead(out var delivery))
        {
            delivery.Complete();
        }
    }
}
