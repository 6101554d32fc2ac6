namespace Chaos.Presence;

/// <summary>The Presence object (docs/api.md#presence). Others never see <see cref="PresenceStatus.Invisible"/>: they see offline.</summary>
[GenerateSerializer, Immutable, Alias("chaos.Presence")]
public sealed record UserPresence(
    [property: Id(0)] long UserId,
    [property: Id(1)] PresenceStatus Status,
    [property: Id(2)] string StatusMessage,
    [property: Id(3)] DateTimeOffset? LastSeenAt);
