namespace Chaos.Messages;

/// <summary>The payload of <c>ReactionAdded</c> and <c>ReactionRemoved</c> (docs/api.md#reactions).</summary>
[GenerateSerializer, Immutable, Alias("chaos.ReactionEvent")]
public sealed record ReactionEvent(
    [property: Id(0)] long ChannelId,
    [property: Id(1)] long MessageId,
    [property: Id(2)] long UserId,
    [property: Id(3)] string Emoji);
