namespace Chaos.Client.Messages;

public sealed record ChannelPinsUpdated(string ChannelId);
