namespace Chaos.Ai;

/// <summary>What the moderation model said about one message: flagged or not, one of <see cref="ModerationClassifier.Categories"/>, and why.</summary>
[GenerateSerializer, Immutable, Alias("chaos.ModerationVerdict")]
public sealed record ModerationVerdict(
    [property: Id(0)] bool Flagged,
    [property: Id(1)] string Category,
    [property: Id(2)] string Reason);
