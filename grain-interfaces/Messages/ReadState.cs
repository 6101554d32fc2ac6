namespace Chaos.Messages;

[GenerateSerializer, Immutable, Alias("chaos.ReadState")]
public sealed record ReadState(
    [property: Id(0)] long ChannelId,
    [property: Id(1)] long LastReadMessageId,
    [property: Id(2)] int UnreadCount,
    [property: Id(3)] int MentionCount);
