namespace Chaos.Messages;

/// <summary>A user's notification setting for one community or channel (docs/api.md#notification-settings).</summary>
[GenerateSerializer, Immutable, Alias("chaos.NotificationSetting")]
public sealed record NotificationSetting(
    [property: Id(0)] long TargetId,
    [property: Id(1)] NotificationLevel Level,
    [property: Id(2)] DateTimeOffset? MutedUntil);
