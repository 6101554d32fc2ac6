namespace Chaos.Ai;

/// <summary>The <c>ModerationQueued</c> gateway event: only connections whose user holds ManageMessages in the channel get it.</summary>
[GenerateSerializer, Immutable, Alias("chaos.ModerationQueued")]
public sealed record ModerationQueued(
    [property: Id(0)] long CommunityId,
    [property: Id(1)] long ItemId,
    [property: Id(2)] long ChannelId,
    [property: Id(3)] long MessageId);
