namespace Chaos.Support;

/// <summary>The managers' dashboard figures (<c>GET /communities/{id}/support/stats</c>); medians and the average are null without data.</summary>
[GenerateSerializer, Immutable, Alias("chaos.SupportStats")]
public sealed record SupportStats(
    [property: Id(0)] int Queued,
    [property: Id(1)] int Assigned,
    [property: Id(2)] int AgentsAvailable,
    [property: Id(3)] double? MedianWaitSeconds,
    [property: Id(4)] double? MedianHandleSeconds,
    [property: Id(5)] double? RatingAverage);
