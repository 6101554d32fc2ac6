namespace Chaos.Support;

/// <summary>The guest's rating of a closed conversation: a score of 1–5 and an optional comment.</summary>
[GenerateSerializer, Immutable, Alias("chaos.SupportRating")]
public sealed record SupportRating(
    [property: Id(0)] int Score,
    [property: Id(1)] string? Comment);
