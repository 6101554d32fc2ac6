using Orleans.Concurrency;

namespace Chaos.Gateway;

/// <summary>
/// One per front door (a grain observer), registered with every Channel grain whose channel a local connection listens
/// to: the Channel grain pushes the channel's <c>MessageCreated</c> batches (right after their group commit) and its
/// access changes to it, one call per front door, never per user (docs/architecture.md#push-relay-for-channel-events).
/// One-way, so a slow or dead front door never holds the channel up; what a lost push missed is filled by <c>seq</c>.
/// </summary>
public interface IChannelRelay : IGrainObserver
{
    /// <summary>Events of channel <paramref name="channelId"/>, in the order the grain produced them.</summary>
    [OneWay]
    Task OnChannelEventsAsync(long channelId, GatewayEvent[] events);
}
