namespace Chaos.Client.Messages;

public sealed record MessageDeleted(string ChannelId, string MessageId);
