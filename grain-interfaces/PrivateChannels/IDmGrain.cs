using Chaos.Communities;

namespace Chaos.PrivateChannels;

/// <summary>
/// The single DM of a pair, keyed by <see cref="DmKey"/>: creates its channel exactly once (the grain serializes
/// concurrent opens) and remembers whether either side blocked the other.
/// </summary>
public interface IDmGrain : IGrainWithStringKey
{
    /// <summary>The pair's DM channel, created on first use. Refused while either side blocks the other.</summary>
    Task<Channel> OpenAsync(long actorId);

    /// <summary>Told by the pair's coordinator (the lower user grain) whenever a block starts or ends.</summary>
    Task SetBlockedAsync(bool blocked);
}
