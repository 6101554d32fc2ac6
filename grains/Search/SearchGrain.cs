using Chaos.Accounts;
using Chaos.Communities;
using Chaos.Errors;
using Chaos.Ids;
using Chaos.Messages;
using Chaos.PrivateChannels;
using Orleans.Concurrency;

namespace Chaos.Search;

/// <summary>
/// Search and the mentions inbox (docs/architecture.md#reactions-pins-and-search). The community or channel decides
/// which channels the caller may read; only those reach the query, so a message of any other channel can never be
/// returned. A stateless worker holds nothing and runs on the silo that received the call.
/// </summary>
[StatelessWorker]
internal sealed class SearchGrain(
    IMessageSearch search,
    IReactionStore reactions,
    IPinStore pinStore,
    IUserDirectory users,
    ICommunityStore communities,
    IPrivateChannelStore privateChannels) : Grain, ISearchGrain
{
    /// <summary>DMs and groups looked at for the mentions inbox; beyond this, the most recently joined are left out.</summary>
    private const int MaxPrivateChannels = 1_000;

    public async Task<SearchResults> SearchCommunityAsync(long userId, long communityId, SearchQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var readable = await GrainFactory.GetGrain<ICommunityGrain>(communityId).GetReadableChannelsAsync(userId);
        IReadOnlyCollection<long> channels = query.ChannelId is { } only
            ? (readable.ChannelIds.Contains(only) ? [only] : [])
            : readable.ChannelIds;
        return await ToResultsAsync(await search.SearchAsync(channels, query, CancellationToken.None), userId);
    }

    public async Task<SearchResults> SearchChannelAsync(long userId, long channelId, SearchQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        await GrainFactory.GetGrain<IChannelGrain>(channelId).RequireHistoryAsync(userId);
        return await ToResultsAsync(await search.SearchAsync([channelId], query with { ChannelId = channelId }, CancellationToken.None), userId);
    }

    public async Task<SearchResults> GetMentionsAsync(long userId, long? before, int limit)
    {
        var communityIds = await communities.GetCommunityIdsOfUserAsync(userId);
        var readable = await Task.WhenAll(communityIds.Select(async id =>
        {
            try
            {
                return await GrainFactory.GetGrain<ICommunityGrain>(id).GetReadableChannelsAsync(userId);
            }
            catch (ChaosException)
            {
                // Left or deleted between the two reads: nothing of it is readable any more.
                return null;
            }
        }));
        var channels = new HashSet<long>(await privateChannels.GetChannelIdsOfUserAsync(userId, MaxPrivateChannels));
        var roles = new HashSet<long>();
        var managed = new HashSet<long>();
        foreach (var community in readable.OfType<ReadableChannels>())
        {
            channels.UnionWith(community.ChannelIds);
            roles.UnionWith(community.RoleIds);
            managed.UnionWith(community.ManagedChannelIds);
        }

        var found = await search.MentionsAsync(channels, userId, roles, before, Math.Clamp(limit, 1, 100), CancellationToken.None);
        return await ToResultsAsync(found, userId, managed);
    }

    /// <summary>
    /// Search leaves messages hidden by moderation out (<paramref name="seesHiddenIn"/> null); the mentions inbox lists
    /// them redacted as channel history does (docs/api.md#ai-assistance): empty content and no attachments, except in
    /// the channels of <paramref name="seesHiddenIn"/>, where the viewer holds ManageMessages.
    /// </summary>
    private async Task<SearchResults> ToResultsAsync(IReadOnlyList<StoredMessage> found, long viewerId, IReadOnlySet<long>? seesHiddenIn = null)
    {
        if (found.Count == 0)
        {
            return new SearchResults([]);
        }

        var ids = found.Select(m => m.Id).ToList();
        var authors = await users.GetManyAsync([.. found.Select(m => m.AuthorId).Distinct()]);
        var reacted = await reactions.GetSummariesAsync(ids, viewerId);
        var pinned = await pinStore.GetPinnedAsync(ids);
        bool Hidden(StoredMessage m) => (m.Flags & MessageFlags.Hidden) != 0;
        bool Redacted(StoredMessage m) => Hidden(m) && !seesHiddenIn!.Contains(m.ChannelId);
        // Search: hidden by moderation is found by no one (moderators read it in the channel and the queue).
        return new SearchResults([.. found.Where(m => seesHiddenIn is not null || !Hidden(m)).Select(m => new Message(
            m.Id, m.ChannelId, m.Seq,
            authors.TryGetValue(m.AuthorId, out var author) ? author : new PublicUser(m.AuthorId, "deleted_user", "Deleted User", Snowflake.CreatedAt(m.AuthorId)),
            Redacted(m) ? string.Empty : m.Content, m.CreatedAt, m.EditedAt, m.ReplyToId, m.Nonce, Redacted(m) ? [] : m.Attachments ?? [], m.Mentions, m.Flags)
        {
            Reactions = reacted.TryGetValue(m.Id, out var list) ? list : [],
            Pinned = pinned.Contains(m.Id),
        })]);
    }
}
