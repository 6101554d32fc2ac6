namespace Chaos.Api.RateLimits;

/// <summary>
/// Endpoint metadata naming the bucket a route counts against; routes without it count against
/// <see cref="RateLimiter.RequestsBucket"/> (docs/api.md#rate-limits).
/// </summary>
public sealed record RateLimitBucket(string Name);
