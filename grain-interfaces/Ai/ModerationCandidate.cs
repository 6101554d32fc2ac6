namespace Chaos.Ai;

/// <summary>A message handed to its community's moderation queue right after it was sent (or edited).</summary>
[GenerateSerializer, Immutable, Alias("chaos.ModerationCandidate")]
public sealed record ModerationCandidate(
    [property: Id(0)] long ChannelId,
    [property: Id(1)] long MessageId,
    [property: Id(2)] long AuthorId,
    [property: Id(3)] string Content);
