namespace Chaos.Support;

/// <summary>
/// The Conversation object of docs/api.md#support-desk. Its messages live in a channel of type <c>support</c> whose id is
/// the conversation's id. <see cref="QueuePosition"/> is 1-based and set only while queued.
/// </summary>
[GenerateSerializer, Immutable, Alias("chaos.SupportConversation")]
public sealed record SupportConversation(
    [property: Id(0)] long Id,
    [property: Id(1)] long CommunityId,
    [property: Id(2)] SupportGuest Guest,
    [property: Id(3)] SupportStatus Status,
    [property: Id(4)] long? AgentId,
    [property: Id(5)] int? QueuePosition,
    [property: Id(6)] DateTimeOffset CreatedAt,
    [property: Id(7)] DateTimeOffset? AssignedAt,
    [property: Id(8)] DateTimeOffset? ClosedAt,
    [property: Id(9)] SupportRating? Rating)
{
    /// <summary>The id of the conversation's <c>support</c> channel (the same number as the conversation's).</summary>
    public long ChannelId => Id;
}
