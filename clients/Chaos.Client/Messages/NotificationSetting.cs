namespace Chaos.Client.Messages;

/// <summary>A notification setting for a community or channel: <see cref="Level"/> is <c>all</c>, <c>mentions</c> or <c>none</c>.</summary>
public sealed record NotificationSetting(string TargetId, string Level, DateTimeOffset? MutedUntil);
