namespace Chaos.Communities;

/// <summary>A channel, keyed by channel id. It knows which community owns it, so <c>/channels/{id}</c> routes resolve.</summary>
public interface IChannelGrain : IGrainWithIntegerKey
{
    Task AttachAsync(long communityId, ChannelType type);

    Task DetachAsync();

    /// <summary>The owning community, or null when no such channel exists.</summary>
    Task<long?> GetCommunityIdAsync();
}
