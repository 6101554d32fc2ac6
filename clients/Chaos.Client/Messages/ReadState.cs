namespace Chaos.Client.Messages;

public sealed record ReadState(string ChannelId, string? LastReadMessageId, int UnreadCount, int MentionCount);
