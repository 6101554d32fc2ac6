namespace Chaos.Ai;

/// <summary>One flagged message waiting for (or decided by) a moderator: the queue item of docs/api.md#ai-assistance.</summary>
[GenerateSerializer, Immutable, Alias("chaos.ModerationItem")]
public sealed record ModerationItem(
    [property: Id(0)] long Id,
    [property: Id(1)] long CommunityId,
    [property: Id(2)] long ChannelId,
    [property: Id(3)] long MessageId,
    [property: Id(4)] long AuthorId,
    [property: Id(5)] string Category,
    [property: Id(6)] string Reason,
    [property: Id(7)] ModerationStatus Status,
    [property: Id(8)] DateTimeOffset CreatedAt);
