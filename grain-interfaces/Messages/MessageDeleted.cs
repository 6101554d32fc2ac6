namespace Chaos.Messages;

[GenerateSerializer, Immutable, Alias("chaos.MessageDeleted")]
public sealed record MessageDeleted([property: Id(0)] long ChannelId, [property: Id(1)] long MessageId);
