namespace Chaos.Messages;

/// <summary>
/// Search and the mentions inbox (docs/architecture.md#search). A stateless worker: it asks the community or channel
/// which channels the caller may read, then queries the message store, so searches never queue behind a community's
/// other work. Use key 0.
/// </summary>
public interface ISearchGrain : IGrainWithIntegerKey
{
    Task<SearchResults> SearchCommunityAsync(long userId, long communityId, SearchQuery query);

    Task<SearchResults> SearchChannelAsync(long userId, long channelId, SearchQuery query);

    Task<SearchResults> GetMentionsAsync(long userId, long? before, int limit);
}
