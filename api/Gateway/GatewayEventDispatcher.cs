using Chaos.Communities;
using Chaos.Gateway;
using Chaos.Hosting;
using Microsoft.AspNetCore.SignalR;

namespace Chaos.Api.Gateway;

/// <summary>
/// Delivers each stream event that reaches this front door (docs/architecture.md, Fan-out): feature handlers first, then access
/// changes, then the stream's SignalR group — one publish per event, one delivery per interested front door, one socket
/// write per recipient, never a grain call per recipient. Access changes arrive on the same streams as the events they
/// govern, so a connection is re-evaluated before anything published after the change reaches it.
/// </summary>
public sealed partial class GatewayEventDispatcher(
    GatewayEventInbox inbox,
    IEnumerable<IGatewayEventHandler> handlers,
    GatewayAccess access,
    GatewayDeliveryBarrier barrier,
    GatewayConnectionRegistry registry,
    GatewayChannelSequencer sequencer,
    IHubContext<GatewayHub> hub,
    Telemetry.GatewayMetrics metrics,
    ILogger<GatewayEventDispatcher> logger) : IHostedService, IDisposable
{
    private readonly IGatewayEventHandler[] handlers = [.. handlers];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Ends when the inbox is closed; DispatchAsync never throws.
        _ = Task.Run(ReadAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Keeps delivering while the rest of the host stops (connections still open hear everything); see <see cref="Dispose"/>.</summary>
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Ends delivery when the host is torn down: what is still queued is released, not delivered.</summary>
    public void Dispose() => inbox.Close();

    private async Task ReadAsync()
    {
        await foreach (var delivery in inbox.ReadAllAsync(CancellationToken.None))
        {
            // Not awaited: streams do not wait for each other. Each stream waits for its own previous event, because its
            // subscription awaits the delivery's completion.
            _ = DeliverAsync(delivery);
        }
    }

    private async Task DeliverAsync(GatewayDelivery delivery)
    {
        try
        {
            await DispatchAsync(delivery.Namespace, delivery.Key, delivery.Event);
        }
        finally
        {
            delivery.Complete();
        }
    }

    /// <summary>Handles one event; never throws, since a failed delivery must not stall the stream for everyone else.</summary>
    public async Task DispatchAsync(string ns, long key, GatewayEvent evt)
    {
        try
        {
            if (evt.Payload is DeliveryMark mark)
            {
                // Everything before it on this stream has been dispatched (docs/architecture.md#delivery-barrier).
                barrier.Reached(mark);
                return;
            }

            foreach (var handler in handlers)
            {
                if (await handler.HandleAsync(ns, key, evt))
                {
                    return;
                }
            }

            switch (evt.Payload)
            {
                case AccessChanged change:
                    await access.ReevaluateAsync(change, channelsOnly: ns != ChaosProviders.CommunityNamespace);
                    return;
                case MembershipChanged joined:
                    await access.JoinedAsync(joined);
                    return;
                case IGatewayControlEvent:
                    // Front-door events of features that are not wired here are never forwarded to clients.
                    return;
                case Channel channel when evt.Name is GatewayEvents.ChannelCreated or GatewayEvents.ChannelUpdated && channel.CommunityId is { } communityId:
                    var viewers = registry.Viewers(communityId, channel.Id);
                    if (viewers.Count > 0)
                    {
                        await hub.Clients.Clients(viewers).SendAsync(evt.Name, evt.Payload);
                    }

                    return;
            }

            if (ns == ChaosProviders.ChannelNamespace && evt.Name == GatewayEvents.MessageCreated && evt.Seq is not null)
            {
                // Exactly once and in seq order on this door, gaps of the live stream filled (docs/architecture.md#front-door-gap-fill).
                await sequencer.DeliverAsync(key, evt, DeliverToChannel(key));
                return;
            }

            if (evt.Payload is Member joiner && evt.Name == GatewayEvents.MemberJoined && ns == ChaosProviders.CommunityNamespace)
            {
                // The joiner hears its own join on its user stream, after CommunityJoined (docs/architecture.md#own-join).
                ToGroupExcept(ns, key, evt, registry.ConnectionsOf(joiner.User.Id));
                return;
            }

            ToGroup(ns, key, evt);

            // After the group's write has started, so the leaver hears MemberLeft (or CommunityDeleted) first.
            switch (evt.Payload)
            {
                case MemberLeft left when ns == ChaosProviders.CommunityNamespace:
                    await access.LeftAsync(left.CommunityId, registry.OfUser(left.UserId), left.Reason);
                    break;
                case CommunityDeleted deleted when ns == ChaosProviders.CommunityNamespace:
                    await access.LeftAsync(deleted.Id, registry.InCommunity(deleted.Id), CommunityLeftEvent.Deleted);
                    break;
            }
        }
        catch (Exception exception)
        {
            LogDeliveryFailed(logger, exception, evt.Name, ns, key);
        }
    }

    /// <summary>Writes one event to a channel's group (used by the sequencer, for live and filled messages alike).</summary>
    public Action<GatewayEvent> DeliverToChannel(long channelId) => evt => ToGroup(ChaosProviders.ChannelNamespace, channelId, evt);

    private void ToGroup(string ns, long key, GatewayEvent evt)
    {
        // Not awaited: SignalR serializes the event once and starts every connection's write in order before this
        // returns; awaiting the writes would let one slow socket (or a full stateful-reconnect buffer waiting for
        // its client's ack) hold up this stream for every other connection on this front door. Each connection's
        // writes stay in order behind its own write lock.
        Observe(hub.Clients.Group(GatewayGroups.For(ns, key)).SendAsync(evt.Name, evt.Payload), evt.Name, ns, key);
        metrics.Delivered(evt);
    }

    private void ToGroupExcept(string ns, long key, GatewayEvent evt, IReadOnlyList<string> excluded)
    {
        if (excluded.Count == 0)
        {
            ToGroup(ns, key, evt);
            return;
        }

        Observe(hub.Clients.GroupExcept(GatewayGroups.For(ns, key), excluded).SendAsync(evt.Name, evt.Payload), evt.Name, ns, key);
        metrics.Delivered(evt);
    }

    private void Observe(Task delivery, string name, string ns, long key)
    {
        if (!delivery.IsCompletedSuccessfully)
        {
            _ = delivery.ContinueWith(
                static (t, state) =>
                {
                    var (log, name, ns, key) = ((ILogger, string, string, long))state!;
                    LogDeliveryFailed(log, t.Exception!, name, ns, key);
                },
                ((ILogger)logger, name, ns, key),
                CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivering {EventName} from {Namespace}/{Key} failed")]
    private static partial void LogDeliveryFailed(ILogger logger, Exception exception, string eventName, string @namespace, long key);
}
