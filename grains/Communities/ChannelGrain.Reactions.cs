using Chaos.Accounts;
using Chaos.Errors;
using Chaos.Gateway;
using Chaos.Messages;
using P = Chaos.Permissions.Permissions;

namespace Chaos.Communities;

/// <summary>
/// Reactions and pins (docs/architecture.md#reactions-pins-and-search). Their rows live in the reaction and pin stores,
/// never in grain state; this grain only orders the changes (its calls do not interleave, so "at most 20 emoji" and "at
/// most 50 pins" are checked and written without races) and publishes their events. Reactions never take a <c>seq</c>.
/// </summary>
internal sealed partial class ChannelGrain
{
    /// <summary>The viewer of a broadcast: nobody, so every <c>me</c> is false.</summary>
    private const long NoViewer = 0;

    private static readonly IReadOnlyDictionary<long, IReadOnlyList<Reaction>> EmptyReactions = new Dictionary<long, IReadOnlyList<Reaction>>();

    /// <summary>The pinned message ids, newest pin first; at most <see cref="ReactionRules.MaxPins"/>. Null until first needed.</summary>
    private List<long>? pins;

    public async Task<bool> AddReactionAsync(long userId, long messageId, string emoji)
    {
        EnsureExists();
        ChaosException.ThrowIfInvalid("emoji", ReactionRules.CheckEmoji(emoji));
        var held = await RequireReadAsync(userId);
        _ = await FindAsync(messageId) ?? throw ChaosException.NotFound("message");
        var existing = await reactions.GetEmojiAsync(messageId);
        if (!existing.Contains(emoji, StringComparer.Ordinal))
        {
            // Joining an existing reaction needs no permission (docs/api.md#reactions); a new emoji needs AddReactions.
            if (!held.HasFlag(P.AddReactions))
            {
                throw new ChaosException(ErrorCodes.MissingPermission, "This needs the AddReactions permission.", nameof(P.AddReactions), null, null);
            }

            if (existing.Count >= ReactionRules.MaxDistinctEmoji)
            {
                throw new ChaosException(ErrorCodes.Conflict, $"A message has at most {ReactionRules.MaxDistinctEmoji} different reactions.");
            }
        }

        if (!await reactions.AddAsync(ChannelId, messageId, emoji, userId, time.GetUtcNow()))
        {
            return false;
        }

        await PublishAsync(GatewayEvents.ReactionAdded, new ReactionEvent(ChannelId, messageId, userId, emoji), null);
        return true;
    }

    public async Task<bool> RemoveReactionAsync(long actorId, long messageId, string emoji, long userId)
    {
        EnsureExists();
        ChaosException.ThrowIfInvalid("emoji", ReactionRules.CheckEmoji(emoji));
        var held = await RequireReadAsync(actorId);
        if (actorId != userId && !held.HasFlag(P.ManageMessages))
        {
            throw new ChaosException(ErrorCodes.MissingPermission, "Removing another member's reaction needs the ManageMessages permission.", nameof(P.ManageMessages), null, null);
        }

        _ = await FindAsync(messageId) ?? throw ChaosException.NotFound("message");
        if (!await reactions.RemoveAsync(messageId, emoji, userId))
        {
            return false;
        }

        await PublishAsync(GatewayEvents.ReactionRemoved, new ReactionEvent(ChannelId, messageId, userId, emoji), null);
        return true;
    }

    public async Task<IReadOnlyList<PublicUser>> GetReactionUsersAsync(long userId, long messageId, string emoji, long? after, int limit)
    {
        EnsureExists();
        ChaosException.ThrowIfInvalid("emoji", ReactionRules.CheckEmoji(emoji));
        await RequireReadAsync(userId);
        _ = await FindAsync(messageId) ?? throw ChaosException.NotFound("message");
        var ids = await reactions.GetUsersAsync(messageId, emoji, after ?? 0, Math.Clamp(limit, 1, 100));
        var found = await users.GetManyAsync(ids);
        return [.. ids.Select(id => found.TryGetValue(id, out var user) ? user : new PublicUser(id, "deleted_user", "Deleted User", Ids.Snowflake.CreatedAt(id)))];
    }

    public async Task<bool> PinAsync(long actorId, long messageId)
    {
        EnsureExists();
        await RequirePinRightsAsync(actorId);
        _ = await FindAsync(messageId) ?? throw ChaosException.NotFound("message");
        var pinned = await LoadPinsAsync();
        if (pinned.Contains(messageId))
        {
            return false;
        }

        if (pinned.Count >= ReactionRules.MaxPins)
        {
            throw new ChaosException(ErrorCodes.Conflict, $"A channel has at most {ReactionRules.MaxPins} pinned messages.");
        }

        await pinStore.PinAsync(ChannelId, messageId, time.GetUtcNow());
        pinned.Insert(0, messageId);
        await PublishAsync(GatewayEvents.ChannelPinsUpdated, new ChannelPinsUpdated(ChannelId), null);
        return true;
    }

    public async Task<bool> UnpinAsync(long actorId, long messageId)
    {
        EnsureExists();
        await RequirePinRightsAsync(actorId);
        var pinned = await LoadPinsAsync();
        if (!pinned.Contains(messageId))
        {
            _ = await FindAsync(messageId) ?? throw ChaosException.NotFound("message");
            return false;
        }

        await pinStore.UnpinAsync(ChannelId, messageId);
        pinned.Remove(messageId);
        await PublishAsync(GatewayEvents.ChannelPinsUpdated, new ChannelPinsUpdated(ChannelId), null);
        return true;
    }

    public async Task<IReadOnlyList<Message>> GetPinsAsync(long userId)
    {
        EnsureExists();
        await RequireReadAsync(userId);
        var pinned = await LoadPinsAsync();
        var found = await Task.WhenAll(pinned.ToList().Select(FindAsync));
        return await ToMessagesAsync([.. found.OfType<StoredMessage>()], userId);
    }

    public async Task RequireHistoryAsync(long userId)
    {
        EnsureExists();
        await RequireReadAsync(userId);
    }

    private Task<P> RequireReadAsync(long userId) => RequireAsync(userId, P.ViewChannel | P.ReadMessageHistory);

    /// <summary>ManageMessages in a community channel; any recipient in a DM or group (no one moderates those).</summary>
    private Task<P> RequirePinRightsAsync(long actorId) =>
        IsPrivate ? RequireAsync(actorId, P.ViewChannel | P.ReadMessageHistory) : RequireAsync(actorId, P.ViewChannel | P.ReadMessageHistory | P.ManageMessages);

    private async Task<List<long>> LoadPinsAsync()
    {
        pins ??= [.. (await pinStore.GetPinsAsync(ChannelId)).Take(ReactionRules.MaxPins)];
        return pins;
    }

    /// <summary>A deleted message keeps no reactions and no pin; a pin that goes away is announced.</summary>
    private async Task ForgetReactionsAndPinAsync(long messageId)
    {
        await reactions.DeleteMessageAsync(messageId);
        var pinned = await LoadPinsAsync();
        if (pinned.Remove(messageId))
        {
            await pinStore.UnpinAsync(ChannelId, messageId);
            await PublishAsync(GatewayEvents.ChannelPinsUpdated, new ChannelPinsUpdated(ChannelId), null);
        }
    }

    /// <summary>
    /// The mention bits of a send (docs/api.md#mentions). The author's permissions were cached moments ago by the send's
    /// own check, so this reads memory only; @everyone counts only from someone holding MentionEveryone.
    /// </summary>
    private int MentionFlagsOf(long authorId, string content)
    {
        if (content.Length == 0)
        {
            return 0;
        }

        var mayMentionEveryone = !IsPrivate && permissions.TryGetValue(authorId, out var cached) && cached.Permissions.HasFlag(P.MentionEveryone);
        return MessageRules.MentionFlags(content, mayMentionEveryone);
    }
}
