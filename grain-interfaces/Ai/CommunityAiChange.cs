namespace Chaos.Ai;

/// <summary>A change of a community's <c>ai</c> object; null leaves a field as it is.</summary>
[GenerateSerializer, Immutable, Alias("chaos.CommunityAiChange")]
public sealed record CommunityAiChange(
    [property: Id(0)] ModerationMode? Moderation,
    [property: Id(1)] bool? Summaries);
