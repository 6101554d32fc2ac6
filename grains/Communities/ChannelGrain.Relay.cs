using Chaos.Gateway;
using Chaos.Hosting;
using Microsoft.Extensions.Logging;

namespace Chaos.Communities;

/// <summary>
/// The push relay for channel events (docs/architecture.md#push-relay-for-channel-events): front doors that listen to this
/// channel register an <see cref="IChannelRelay"/> under a lease; each committed batch of <c>MessageCreated</c> and each
/// access change is pushed to every live registration with one one-way call. Registrations live in memory only: after a
/// reactivation the front doors' renewals find the grain again and fill what they missed by seq.
/// </summary>
internal sealed partial class ChannelGrain
{
    private readonly Dictionary<string, RelayLease> relays = new(StringComparer.Ordinal);
    private long publishedSeq;

    /// <summary>Whether committed messages go to the relays (push) or to the channel's memory stream.</summary>
    private bool PushesMessages => streamsOptions.Value.PushesChannelEvents;

    public Task<long> AttachRelayAsync(string frontDoorId, long lease, IChannelRelay relay)
    {
        ArgumentNullException.ThrowIfNull(frontDoorId);
        ArgumentNullException.ThrowIfNull(relay);
        var now = time.GetUtcNow();
        if (!relays.ContainsKey(frontDoorId))
        {
            DropExpiredRelays(now);
            if (relays.Count >= ChannelRelayRules.MaxRelays)
            {
                throw new Errors.ChaosException(Errors.ErrorCodes.Unavailable, "This channel pushes to as many front doors as it may.");
            }
        }

        relays[frontDoorId] = new RelayLease(relay, lease, now + ChannelRelayRules.Lease);
        return Task.FromResult(publishedSeq);
    }

    public Task DetachRelayAsync(string frontDoorId, long lease)
    {
        if (relays.TryGetValue(frontDoorId, out var current) && current.Lease == lease)
        {
            relays.Remove(frontDoorId);
        }

        return Task.CompletedTask;
    }

    public Task ChangeAccessAsync(AccessChanged change)
    {
        ArgumentNullException.ThrowIfNull(change);
        InvalidatePermissions(change.UserId);
        if (PushesMessages)
        {
            Push([GatewayEvent.Control(change)]);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// One one-way call per registered front door; never awaited, so a slow or dead front door costs the grain nothing
    /// but the send. A registration whose call cannot even be sent is dropped; its front door re-registers on renewal.
    /// </summary>
    private void Push(GatewayEvent[] events)
    {
        if (relays.Count == 0)
        {
            return;
        }

        var now = time.GetUtcNow();
        List<string>? dropped = null;
        foreach (var (frontDoorId, lease) in relays)
        {
            if (lease.Until < now)
            {
                (dropped ??= []).Add(frontDoorId);
                continue;
            }

            try
            {
                lease.Relay.OnChannelEventsAsync(ChannelId, events).Ignore();
            }
            catch (Exception exception)
            {
                LogPushFailed(logger, exception, ChannelId, frontDoorId);
                (dropped ??= []).Add(frontDoorId);
            }
        }

        foreach (var frontDoorId in dropped ?? [])
        {
            relays.Remove(frontDoorId);
        }
    }

    private void DropExpiredRelays(DateTimeOffset now)
    {
        foreach (var (frontDoorId, lease) in relays.ToList())
        {
            if (lease.Until < now)
            {
                relays.Remove(frontDoorId);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pushing events of channel {ChannelId} to front door {FrontDoorId} failed; it re-registers on its next renewal")]
    private static partial void LogPushFailed(ILogger logger, Exception exception, long channelId, string frontDoorId);

    private sealed record RelayLease(IChannelRelay Relay, long Lease, DateTimeOffset Until);
}
