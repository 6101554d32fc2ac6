using Chaos.Messages;

namespace Chaos.Api.Messages;

/// <summary>The body of <c>PUT /users/@me/notification-settings/{targetId}</c>.</summary>
public sealed record NotificationSettingRequest(NotificationLevel? Level, DateTimeOffset? MutedUntil);
