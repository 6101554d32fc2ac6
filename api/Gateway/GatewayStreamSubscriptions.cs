using Chaos.Api.Errors;
using Chaos.Gateway;
using Chaos.Hosting;
using Orleans.Streams;

namespace Chaos.Api.Gateway;

/// <summary>
/// One Orleans stream subscription per stream that any local connection needs, reference-counted: the first connection
/// that needs a stream subscribes this front door, the last one to let go unsubscribes it. What arrives is posted to the
/// <see cref="GatewayEventInbox"/>.
/// </summary>
public sealed partial class GatewayStreamSubscriptions(IClusterClient cluster, GatewayEventInbox inbox, GatewayChannelSequencer sequencer, GatewayChannelRelay relay, ILogger<GatewayStreamSubscriptions> logger)
{
    private readonly Lock gate = new();
    private readonly Dictionary<(string Namespace, long Key), Subscription> subscriptions = [];

    /// <summary>Takes one reference on a stream, subscribing when it is the first; returns once the subscription is live.</summary>
    public async Task AcquireAsync(string ns, long key)
    {
        Subscription subscription;
        lock (gate)
        {
            if (subscriptions.TryGetValue((ns, key), out var existing))
            {
                existing.Count++;
                subscription = existing;
            }
            else
            {
                subscription = new Subscription { Count = 1 };
                subscription.Handle = SubscribeAsync(ns, key);
                subscriptions[(ns, key)] = subscription;
            }
        }

        try
        {
            await subscription.Handle!;
        }
        catch (Exception exception)
        {
            // A failed subscription is dropped at once (and this caller's share given back): kept, its faulted task would
            // fail every later connection that needs the stream, for the life of the process — the front door that
            // survived a silo failed Ready for minutes that way.
            lock (gate)
            {
                subscription.Count--;
                if (subscriptions.TryGetValue((ns, key), out var current) && ReferenceEquals(current, subscription))
                {
                    subscriptions.Remove((ns, key));
                }
            }

            LogSubscribeFailed(logger, exception, ns, key);
            throw;
        }
    }

    /// <summary>Takes every stream in <paramref name="needed"/>, or none: when one fails, what was taken is given back.</summary>
    public async Task AcquireAllAsync(List<(string Namespace, long Key)> needed)
    {
        var taken = new List<(string Namespace, long Key)>(needed.Count);
        try
        {
            foreach (var (ns, key) in needed)
            {
                await AcquireAsync(ns, key);
                taken.Add((ns, key));
            }
        }
        catch
        {
            foreach (var (ns, key) in taken)
            {
                await ReleaseAsync(ns, key);
            }

            throw;
        }
    }

    /// <summary>The subscription to one stream, live or still being set up; null when no local connection needs it.</summary>
    public Task? Pending(string ns, long key)
    {
        lock (gate)
        {
            return subscriptions.GetValueOrDefault((ns, key))?.Handle;
        }
    }

    /// <summary>The keys of the streams of one namespace this front door is subscribed to, as a snapshot.</summary>
    public List<long> Keys(string ns)
    {
        lock (gate)
        {
            return [.. subscriptions.Keys.Where(k => k.Namespace == ns).Select(k => k.Key)];
        }
    }

    /// <summary>Streams this front door is subscribed to (a metric, and tests that check nothing leaks).</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return subscriptions.Count;
            }
        }
    }

    /// <summary>Gives back one reference; the last one unsubscribes.</summary>
    public async Task ReleaseAsync(string ns, long key)
    {
        Subscription? subscription;
        lock (gate)
        {
            if (!subscriptions.TryGetValue((ns, key), out subscription) || --subscription.Count > 0)
            {
                return;
            }

            subscriptions.Remove((ns, key));
            if (ns == ChaosProviders.ChannelNamespace)
            {
                sequencer.Forget(key);
            }
        }

        if (ns == ChaosProviders.ChannelNamespace && relay.Enabled)
        {
            await relay.DetachAsync(key);
        }

        try
        {
            await (await subscription.Handle!).UnsubscribeAsync();
        }
        catch (Exception exception)
        {
            LogUnsubscribeFailed(logger, exception, ns, key);
        }
    }

    /// <summary>
    /// After a silo left or died (<see cref="GatewayStreamRepair"/>): every live subscription that the stream pub-sub no
    /// longer lists for this front door is made again, so its stream delivers here again.
    /// </summary>
    public async Task VerifyAsync(CancellationToken cancellationToken)
    {
        List<((string Namespace, long Key) Stream, StreamSubscriptionHandle<GatewayEvent> Handle)> live;
        lock (gate)
        {
            live = [.. subscriptions.Where(s => s.Value.Handle!.IsCompletedSuccessfully).Select(s => (s.Key, s.Value.Handle!.Result))];
        }

        foreach (var ((ns, key), handle) in live)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                var stream = cluster.GetStreamProvider(ChaosProviders.Streams).GetStream<GatewayEvent>(StreamId.Create(ns, key));
                var registered = await stream.GetAllSubscriptionHandles();
                if (!registered.Any(h => h.HandleId == handle.HandleId))
                {
                    LogSubscriptionLost(logger, ns, key);
                    await RenewAsync(ns, key);
                }
            }
            catch (Exception exception)
            {
                LogVerifyFailed(logger, exception, ns, key);
            }
        }
    }

    /// <summary>
    /// Replaces this front door's subscription to one stream with a fresh one (the old one is dropped once the new one is
    /// live; a message delivered by both in between is dropped as a repeat by <see cref="GatewayChannelSequencer"/>).
    /// </summary>
    public async Task RenewAsync(string ns, long key)
    {
        Subscription? subscription;
        lock (gate)
        {
            subscription = subscriptions.GetValueOrDefault((ns, key));
        }

        if (subscription?.Handle is not { IsCompletedSuccessfully: true } old)
        {
            return;
        }

        StreamSubscriptionHandle<GatewayEvent> fresh;
        try
        {
            fresh = await SubscribeStreamAsync(ns, key);
        }
        catch (Exception exception)
        {
            LogSubscribeFailed(logger, exception, ns, key);
            return;
        }

        var replaced = false;
        lock (gate)
        {
            if (subscriptions.TryGetValue((ns, key), out var current) && ReferenceEquals(current, subscription) && ReferenceEquals(current.Handle, old))
            {
                current.Handle = Task.FromResult(fresh);
                replaced = true;
            }
        }

        try
        {
            // The old one when replaced; the fresh one when the stream was released (or renewed) meanwhile.
            await (replaced ? await old : fresh).UnsubscribeAsync();
        }
        catch (Exception exception)
        {
            LogUnsubscribeFailed(logger, exception, ns, key);
        }
    }

    /// <summary>
    /// The stream subscription and, for a channel with push delivery, the relay's registration with the channel's grain,
    /// made at the same time (a connection that needs many channels waits for one round trip, not two); both or neither.
    /// </summary>
    private async Task<StreamSubscriptionHandle<GatewayEvent>> SubscribeAsync(string ns, long key)
    {
        if (ns != ChaosProviders.ChannelNamespace || !relay.Enabled)
        {
            return await SubscribeStreamAsync(ns, key);
        }

        var attaching = relay.AttachAsync(key);
        var subscribing = SubscribeStreamAsync(ns, key);
        try
        {
            await Task.WhenAll(attaching, subscribing);
            return await subscribing;
        }
        catch
        {
            if (attaching.IsCompletedSuccessfully)
            {
                await relay.DetachAsync(key);
            }

            if (subscribing.IsCompletedSuccessfully)
            {
                try
                {
                    await (await subscribing).UnsubscribeAsync();
                }
                catch (Exception exception)
                {
                    LogUnsubscribeFailed(logger, exception, ns, key);
                }
            }

            sequencer.Forget(key);
            throw;
        }
    }

    private async Task<StreamSubscriptionHandle<GatewayEvent>> SubscribeStreamAsync(string ns, long key)
    {
        var stream = cluster.GetStreamProvider(ChaosProviders.Streams).GetStream<GatewayEvent>(StreamId.Create(ns, key));
        // Retried only where the call provably never ran (the pub-sub grain's silo refused or was unreachable): a timed-out
        // subscribe may have registered, and a second one would deliver twice.
        return await GrainCalls.RetryAsync(() => stream.SubscribeAsync((evt, _) => inbox.PostAsync(ns, key, evt)), idempotent: false, CancellationToken.None);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscribing to {Namespace}/{Key} failed; the next connection that needs it subscribes again")]
    private static partial void LogSubscribeFailed(ILogger logger, Exception exception, string @namespace, long key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Unsubscribing from {Namespace}/{Key} failed")]
    private static partial void LogUnsubscribeFailed(ILogger logger, Exception exception, string @namespace, long key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The stream pub-sub no longer lists this front door's subscription to {Namespace}/{Key}; subscribing again")]
    private static partial void LogSubscriptionLost(ILogger logger, string @namespace, long key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checking the subscription to {Namespace}/{Key} failed")]
    private static partial void LogVerifyFailed(ILogger logger, Exception exception, string @namespace, long key);

    private sealed class Subscription
    {
        public int Count { get; set; }

        public Task<StreamSubscriptionHandle<GatewayEvent>>? Handle { get; set; }
    }
}
