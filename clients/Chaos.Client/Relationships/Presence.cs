namespace Chaos.Client.Relationships;

public sealed record Presence(string UserId, PresenceStatus Status, string? StatusMessage, DateTimeOffset? LastSeenAt);
