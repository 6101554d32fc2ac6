namespace Chaos.Messages;

[GenerateSerializer, Immutable, Alias("chaos.TypingStarted")]
public sealed record TypingStarted([property: Id(0)] long ChannelId, [property: Id(1)] long UserId, [property: Id(2)] DateTimeOffset ExpiresAt);
