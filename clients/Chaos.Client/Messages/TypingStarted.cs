namespace Chaos.Client.Messages;

public sealed record TypingStarted(string ChannelId, string UserId, DateTimeOffset ExpiresAt);
