using System.Threading.Channels;
using Chaos.Api.Errors;
using Chaos.Communities;
using Chaos.Gateway;
using Chaos.Hosting;
using Microsoft.Extensions.Options;

namespace Chaos.Api.Gateway;

/// <summary>
/// This front door's push relay for channel events (docs/architecture.md#push-relay-for-channel-events): the grain observer
/// Channel grains push committed <c>MessageCreated</c> batches and access changes to. A channel's pushes are handed to the
/// dispatcher one after the other, in arrival order (each after the previous one was dispatched, as a stream's are), so
/// <see cref="GatewayChannelSequencer"/> keeps them exactly once and in seq order and fills gaps. Registration follows
/// the channel's stream subscription (<see cref="GatewayStreamSubscriptions"/>): the first local connection that needs a
/// channel registers this relay with its grain, the last one to let go ends the registration; <see cref="RenewAsync"/>
/// renews them all (a grain that reactivated elsewhere forgot them) and reports each channel's published seq, so a tail
/// that a lost push left undelivered is filled (<see cref="GatewayStreamRepair"/>).
/// </summary>
public sealed partial class GatewayChannelRelay(
    IGrainFactory grains,
    IServiceProvider services,
    GatewayChannelSequencer sequencer,
    IOptions<ChaosStreamsOptions> options,
    ILogger<GatewayChannelRelay> logger) : IChannelRelay
{
    /// <summary>Pushes one channel may have waiting here; more are dropped (and filled by seq later), never buffered.</summary>
    public const int MaxQueuedPushes = 4_096;

    private readonly Lock gate = new();
    private readonly Dictionary<long, Lane> lanes = [];
    private IChannelRelay? reference;
    private GatewayEventDispatcher? dispatcher;
    private long leases;
    private long dropped;

    /// <summary>Whether channel messages reach this front door by push (else by the channel streams).</summary>
    public bool Enabled => options.Value.PushesChannelEvents;

    /// <summary>Identifies this front door to Channel grains; new per process.</summary>
    public string FrontDoorId { get; } = Guid.NewGuid().ToString("N");

    /// <summary>Pushes dropped here because a channel's queue was full (their messages are filled by seq).</summary>
    public long Dropped => Interlocked.Read(ref dropped);

    /// <summary>Channels registered here (tests check nothing leaks).</summary>
    public int Count
    {
        get
        {
            lock (gate)
            {
                return lanes.Count;
            }
        }
    }

    private IChannelRelay Reference
    {
        get
        {
            lock (gate)
            {
                return reference ??= grains.CreateObjectReference<IChannelRelay>(this);
            }
        }
    }

    /// <summary>Registers this relay with the channel's grain; returns once pushes come here. Throws when the grain cannot be reached.</summary>
    public async Task AttachAsync(long channelId)
    {
        var lane = new Lane(Interlocked.Increment(ref leases));
        lock (gate)
        {
            lanes[channelId] = lane;
        }

        // Ends when the lane is removed; never throws (DispatchAsync does not).
        _ = Task.Run(() => ReadAsync(channelId, lane));
        try
        {
            var published = await GrainCalls.RetryAsync(
                () => grains.GetGrain<IChannelGrain>(channelId).AttachRelayAsync(FrontDoorId, lane.Lease, Reference).WaitAsync(ChannelRelayRules.CallTimeout),
                idempotent: true,
                CancellationToken.None);
            // Delivery starts after what was published before the registration.
            await sequencer.BeginAsync(channelId, published);
        }
        catch
        {
            Remove(channelId, lane);
            throw;
        }
    }

    /// <summary>Ends this relay's registration with the channel's grain (best effort: an unrenewed lease ends by itself).</summary>
    public async Task DetachAsync(long channelId)
    {
        Lane? lane;
        lock (gate)
        {
            lane = lanes.GetValueOrDefault(channelId);
        }

        if (lane is null)
        {
            return;
        }

        Remove(channelId, lane);
        try
        {
            await grains.GetGrain<IChannelGrain>(channelId).DetachRelayAsync(FrontDoorId, lane.Lease).WaitAsync(ChannelRelayRules.CallTimeout);
        }
        catch (Exception exception)
        {
            LogDetachFailed(logger, exception, channelId);
        }
    }

    /// <summary>
    /// Renews every registration (registering again with a grain that reactivated and forgot it); answers, per channel
    /// renewed, the highest seq the grain has pushed or published. Each call is bounded by
    /// <see cref="ChannelRelayRules.CallTimeout"/>: a grain on a dead silo is skipped until the next round.
    /// </summary>
    public async Task<IReadOnlyList<(long ChannelId, long Published)>> RenewAsync(CancellationToken cancellationToken)
    {
        List<(long ChannelId, Lane Lane)> held;
        lock (gate)
        {
            held = [.. lanes.Select(l => (l.Key, l.Value))];
        }

        if (held.Count == 0)
        {
            return [];
        }

        var relay = Reference;
        var answers = await Task.WhenAll(held.Select(async h =>
        {
            try
            {
                var published = await grains.GetGrain<IChannelGrain>(h.ChannelId).AttachRelayAsync(FrontDoorId, h.Lane.Lease, relay)
                    .WaitAsync(ChannelRelayRules.CallTimeout, cancellationToken);
                return (h.ChannelId, Published: published);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogRenewFailed(logger, exception, h.ChannelId);
                return (h.ChannelId, Published: -1L);
            }
        }));
        return [.. answers.Where(a => a.Published >= 0)];
    }

    public Task OnChannelEventsAsync(long channelId, GatewayEvent[] events)
    {
        Lane? lane;
        lock (gate)
        {
            lane = lanes.GetValueOrDefault(channelId);
        }

        // A channel no local connection listens to any more: nothing to deliver, and no sequencer state to create.
        if (lane is not null && events is { Length: > 0 } && !lane.Pushes.Writer.TryWrite(events))
        {
            Interlocked.Increment(ref dropped);
            LogQueueFull(logger, channelId);
        }

        return Task.CompletedTask;
    }

    /// <summary>One channel's pushes, one event at a time and each after the previous one was dispatched (as a stream does); never throws.</summary>
    private async Task ReadAsync(long channelId, Lane lane)
    {
        await foreach (var events in lane.Pushes.Reader.ReadAllAsync())
        {
            foreach (var evt in events)
            {
                if (lane.Ended)
                {
                    break;
                }

                // Dispatched here, in this channel's order, without the inbox's extra queue hop; the dispatcher is
                // resolved late because it depends (through access and subscriptions) on this relay.
                dispatcher ??= services.GetRequiredService<GatewayEventDispatcher>();
                await dispatcher.DispatchAsync(ChaosProviders.ChannelNamespace, channelId, evt);
            }
        }
    }

    private void Remove(long channelId, Lane lane)
    {
        lock (gate)
        {
            if (lanes.TryGetValue(channelId, out var current) && ReferenceEquals(current, lane))
            {
                lanes.Remove(channelId);
            }
        }

        lane.Ended = true;
        lane.Pushes.Writer.TryComplete();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ending the push registration with channel {ChannelId} failed; its lease runs out")]
    private static partial void LogDetachFailed(ILogger logger, Exception exception, long channelId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Renewing the push registration with channel {ChannelId} failed (retried on the next round)")]
    private static partial void LogRenewFailed(ILogger logger, Exception exception, long channelId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pushes of channel {ChannelId} are piling up on this front door; one was dropped (filled by seq later)")]
    private static partial void LogQueueFull(ILogger logger, long channelId);

    private sealed class Lane(long lease)
    {
        public long Lease { get; } = lease;

        public Channel<GatewayEvent[]> Pushes { get; } = System.Threading.Channels.Channel.CreateBounded<GatewayEvent[]>(
            new BoundedChannelOptions(MaxQueuedPushes) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true, SingleWriter = false });

        private int ended;

        public bool Ended
        {
            get => Volatile.Read(ref ended) == 1;
            set => Volatile.Write(ref ended, value ? 1 : 0);
        }
    }
}
