namespace Chaos.Messages;

[GenerateSerializer, Immutable, Alias("chaos.ChannelPinsUpdated")]
public sealed record ChannelPinsUpdated([property: Id(0)] long ChannelId);
