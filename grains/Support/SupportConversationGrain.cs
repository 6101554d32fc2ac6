using Chaos.Accounts;
using Chaos.Communities;
using Chaos.Errors;
using Chaos.Gateway;
using Chaos.Hosting;
using Chaos.Ids;
using Chaos.Messages;
using P = Chaos.Permissions.Permissions;

namespace Chaos.Support;

/// <summary>
/// One conversation's messages (docs/architecture.md#support-desk): its <c>support</c> channel has the conversation's id, and
/// this grain numbers the channel's <c>seq</c>, writes each message to the message store before answering and publishes
/// <c>MessageCreated</c> to the guest's stream and the desk's. The guest's messages are stored with author id 0.
/// </summary>
internal sealed class SupportConversationGrain(
    ISupportStore store,
    IMessageStore messages,
    IUserDirectory users,
    IIdGenerator ids,
    TimeProvider time) : Grain, ISupportConversationGrain
{
    private const long GuestAuthorId = 0;

    private long? lastSeq;

    private long? communityId;

    private long ConversationId => this.GetPrimaryKeyLong();

    public async Task<SupportMessage> OpenAsync(long communityId, string guestName, string content)
    {
        ChaosException.ThrowIfInvalid("message", MessageRules.CheckContent(content));
        var existing = await messages.GetRecentAsync(ConversationId, 1, CancellationToken.None);
        if (existing.Count > 0)
        {
            lastSeq = existing[^1].Seq;
            return ToMessage(existing[0], guestName, null);
        }

        var stored = new StoredMessage(ids.NextId(), ConversationId, 1, GuestAuthorId, content, time.GetUtcNow(), null, null, null, [], 0, false);
        await messages.AppendAsync([stored], CancellationToken.None);
        lastSeq = 1;
        return ToMessage(stored, guestName, null);
    }

    public async Task<SupportMessage> SendAsync(SupportCaller caller, string content)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ChaosException.ThrowIfInvalid("content", MessageRules.CheckContent(content));
        var conversation = await RequireAccessAsync(caller);
        if (conversation.Status == SupportStatus.Closed)
        {
            throw new ChaosException(ErrorCodes.Conflict, "This conversation is closed.");
        }

        if (caller.UserId is { } agent && conversation.AgentId != agent)
        {
            throw new ChaosException(ErrorCodes.Forbidden, "Only the conversation's agent writes in it; take it first (POST .../assign).");
        }

        lastSeq ??= await messages.GetLastSeqAsync(ConversationId, CancellationToken.None);
        var stored = new StoredMessage(
            ids.NextId(), ConversationId, lastSeq.Value + 1, caller.UserId ?? GuestAuthorId, content, time.GetUtcNow(), null, null, null, [], 0, false);
        try
        {
            await messages.AppendAsync([stored], CancellationToken.None);
        }
        catch
        {
            // Whether it was written is unknown: read the seq again before the next send.
            lastSeq = null;
            throw;
        }

        lastSeq = stored.Seq;
        var profile = caller.UserId is { } id ? await ProfileAsync(id) : null;
        var message = ToMessage(stored, conversation.Guest.Name, profile);
        var evt = new GatewayEvent(GatewayEvents.MessageCreated, message, message.Seq);
        await Task.WhenAll(
            Stream(ChaosProviders.SupportNamespace, ConversationId).OnNextAsync(evt),
            Stream(ChaosProviders.SupportDeskNamespace, conversation.CommunityId).OnNextAsync(evt));
        return message;
    }

    public async Task<IReadOnlyList<SupportMessage>> GetMessagesAsync(SupportCaller caller, long? before, long? after, int limit)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var conversation = await RequireAccessAsync(caller);
        var page = await messages.PageAsync(ConversationId, before, after, Math.Clamp(limit, 1, 100), CancellationToken.None);
        return await ToMessagesAsync(page, conversation.Guest.Name);
    }

    public async Task<SupportConversation> RateAsync(SupportCaller caller, int score, string? comment)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var conversation = await RequireAccessAsync(caller);
        if (!caller.IsGuest)
        {
            throw new ChaosException(ErrorCodes.Forbidden, "Only the guest rates a conversation.");
        }

        ChaosException.ThrowIfInvalid("score", SupportRules.CheckScore(score));
        ChaosException.ThrowIfInvalid("comment", SupportRules.CheckComment(comment));
        if (conversation.Status != SupportStatus.Closed)
        {
            throw new ChaosException(ErrorCodes.Conflict, "Only a closed conversation can be rated.");
        }

        var rating = new SupportRating(score, comment);
        if (!await store.RateAsync(ConversationId, rating, CancellationToken.None))
        {
            throw new ChaosException(ErrorCodes.Conflict, "This conversation has been rated already.");
        }

        var rated = conversation with { Rating = rating };
        var evt = new GatewayEvent(GatewayEvents.SupportConversationUpdated, rated, null);
        await Task.WhenAll(
            Stream(ChaosProviders.SupportNamespace, ConversationId).OnNextAsync(evt),
            Stream(ChaosProviders.SupportDeskNamespace, conversation.CommunityId).OnNextAsync(evt));
        return rated;
    }

    public async Task<long?> GetCommunityIdAsync() =>
        communityId ??= (await store.GetAsync(ConversationId, CancellationToken.None))?.CommunityId;

    private async Task<SupportConversation> RequireAccessAsync(SupportCaller caller)
    {
        if (caller.IsGuest && caller.GuestConversationId != ConversationId)
        {
            throw new ChaosException(ErrorCodes.Forbidden, "A guest token opens its own conversation only.");
        }

        var conversation = await store.GetAsync(ConversationId, CancellationToken.None) ?? throw ChaosException.NotFound("conversation");
        if (caller.UserId is { } userId)
        {
            var permissions = await GrainFactory.GetGrain<ICommunityGrain>(conversation.CommunityId).GetPermissionsAsync(userId, null);
            if ((permissions & P.HandleSupport) == 0)
            {
                throw new ChaosException(ErrorCodes.MissingPermission, "This needs the HandleSupport permission.", nameof(P.HandleSupport), null, null);
            }
        }

        return conversation;
    }

    private async Task<PublicUser> ProfileAsync(long userId) =>
        (await users.GetManyAsync([userId])).TryGetValue(userId, out var profile)
            ? profile
            : new PublicUser(userId, "deleted_user", "Deleted User", Snowflake.CreatedAt(userId));

    private async Task<IReadOnlyList<SupportMessage>> ToMessagesAsync(IReadOnlyList<StoredMessage> page, string guestName)
    {
        var authorIds = page.Select(m => m.AuthorId).Where(id => id != GuestAuthorId).Distinct().ToList();
        var profiles = authorIds.Count > 0 ? await users.GetManyAsync(authorIds) : new Dictionary<long, PublicUser>();
        return [.. page.Select(m => ToMessage(
            m,
            guestName,
            m.AuthorId == GuestAuthorId ? null
            : profiles.TryGetValue(m.AuthorId, out var p) ? p
            : new PublicUser(m.AuthorId, "deleted_user", "Deleted User", Snowflake.CreatedAt(m.AuthorId))))];
    }

    private static SupportMessage ToMessage(StoredMessage stored, string guestName, PublicUser? agent) =>
        new(stored.Id, stored.ChannelId, stored.Seq, agent is null ? SupportAuthor.OfGuest(guestName) : SupportAuthor.OfUser(agent), stored.Content, stored.CreatedAt)
        {
            EditedAt = stored.EditedAt,
            Flags = stored.Flags,
        };

    private Orleans.Streams.IAsyncStream<GatewayEvent> Stream(string ns, long key) =>
        this.GetStreamProvider(ChaosProviders.Streams).GetStream<GatewayEvent>(StreamId.Create(ns, key));
}
