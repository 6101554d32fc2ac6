namespace Chaos.RateLimits;

/// <summary>Tokens handed to a front door for one bucket's current window.</summary>
[GenerateSerializer, Immutable, Alias("chaos.RateLimitGrant")]
public sealed record RateLimitGrant(
    [property: Id(0)] int Granted,
    [property: Id(1)] int Remaining,
    [property: Id(2)] DateTimeOffset ResetAt);
