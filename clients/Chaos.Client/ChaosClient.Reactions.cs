using Chaos.Client.Accounts;
using Chaos.Client.Messages;

namespace Chaos.Client;

/// <summary>Reactions, pins, search, the mentions inbox and notification settings.</summary>
public sealed partial class ChaosClient
{
    /// <summary>Reacts with one Unicode emoji (AddReactions, unless someone already reacted with it).</summary>
    public Task AddReactionAsync(string channelId, string messageId, string emoji, CancellationToken cancellation = default) =>
        SendAsync(HttpMethod.Put, $"channels/{Id(channelId)}/messages/{Id(messageId)}/reactions/{Id(emoji)}/@me", null, cancellation);

    public Task RemoveReactionAsync(string channelId, string messageId, string emoji, CancellationToken cancellation = default) =>
        SendAsync(HttpMethod.Delete, $"channels/{Id(channelId)}/messages/{Id(messageId)}/reactions/{Id(emoji)}/@me", null, cancellation);

    /// <summary>Removes someone else's reaction (ManageMessages).</summary>
    public Task RemoveUserReactionAsync(string channelId, string messageId, string emoji, string userId, CancellationToken cancellation = default) =>
        SendAsync(HttpMethod.Delete, $"channels/{Id(channelId)}/messages/{Id(messageId)}/reactions/{Id(emoji)}/{Id(userId)}", null, cancellation);

    /// <summary>Who reacted with <paramref name="emoji"/>, by user id, after <paramref name="after"/>.</summary>
    public Task<IReadOnlyList<User>> GetReactionUsersAsync(string channelId, string messageId, string emoji, string? after = null, int? limit = null, CancellationToken cancellation = default) =>
        SendAsync<IReadOnlyList<User>>(HttpMethod.Get, Query($"channels/{Id(channelId)}/messages/{Id(messageId)}/reactions/{Id(emoji)}", ("after", after), ("limit", limit)), null, cancellation);

    /// <summary>Pins a message (ManageMessages; at most 50 per channel, then <c>conflict</c>).</summary>
    public Task PinMessageAsync(string channelId, string messageId, CancellationToken cancellation = default) =>
        SendAsync(HttpMethod.Put, $"channels/{Id(channelId)}/pins/{Id(messageId)}", null, cancellation);

    public Task UnpinMessageAsync(string channelId, string messageId, CancellationToken cancellation = default) =>
        SendAsync(HttpMethod.Delete, $"channels/{Id(channelId)}/pins/{Id(messageId)}", null, cancellation);

    /// <summary>The pinned messages, newest pin first.</summary>
    public Task<IReadOnlyList<Message>> GetPinsAsync(string channelId, CancellationToken cancellation = default) =>
        SendAsync<IReadOnlyList<Message>>(HttpMethod.Get, $"channels/{Id(channelId)}/pins", null, cancellation);

    /// <summary>Searches the channels of a community the caller can read, newest first; page on with <paramref name="before"/>.</summary>
    public Task<SearchResults> SearchCommunityAsync(string communityId, string q, string? authorId = null, string? channelId = null, string? before = null, int? limit = null, CancellationToken cancellation = default) =>
        SendAsync<SearchResults>(HttpMethod.Get, Query($"communities/{Id(communityId)}/messages/search", ("q", q), ("authorId", authorId), ("channelId", channelId), ("before", before), ("limit", limit)), null, cancellation);

    /// <summary>Searches one channel, DM or group.</summary>
    public Task<SearchResults> SearchChannelAsync(string channelId, string q, string? authorId = null, string? before = null, int? limit = null, CancellationToken cancellation = default) =>
        SendAsync<SearchResults>(HttpMethod.Get, Query($"channels/{Id(channelId)}/messages/search", ("q", q), ("authorId", authorId), ("before", before), ("limit", limit)), null, cancellation);

    /// <summary>Messages mentioning the caller, a role of theirs, or @everyone, newest first.</summary>
    public Task<SearchResults> GetMentionsAsync(string? before = null, int? limit = null, CancellationToken cancellation = default) =>
        SendAsync<SearchResults>(HttpMethod.Get, Query("users/@me/mentions", ("before", before), ("limit", limit)), null, cancellation);

    /// <summary>Sets the notification level (<c>all</c>, <c>mentions</c>, <c>none</c>) and mute of a community or channel.</summary>
    public Task<NotificationSetting> SetNotificationSettingAsync(string targetId, string level, DateTimeOffset? mutedUntil = null, CancellationToken cancellation = default) =>
        SendAsync<NotificationSetting>(HttpMethod.Put, $"users/@me/notification-settings/{Id(targetId)}", new { level, mutedUntil }, cancellation);

    public Task<IReadOnlyList<NotificationSetting>> GetNotificationSettingsAsync(CancellationToken cancellation = default) =>
        SendAsync<IReadOnlyList<NotificationSetting>>(HttpMethod.Get, "users/@me/notification-settings", null, cancellation);
}
