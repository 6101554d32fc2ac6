namespace Chaos.Api.RateLimits;

/// <summary>The outcome of taking one token, with what the Discord-style headers report.</summary>
public readonly record struct RateLimitDecision(bool Allowed, string Bucket, int Limit, int Remaining, double ResetAfterSeconds);
