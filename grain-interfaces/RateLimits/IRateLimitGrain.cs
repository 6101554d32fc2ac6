namespace Chaos.RateLimits;

/// <summary>
/// One rate-limit bucket for one user, cluster-wide (key <c>rl:{bucket}:{userId}</c>). Front doors take tokens in small
/// batches so the hot path stays local; the grain never hands out more than the limit per window.
/// </summary>
public interface IRateLimitGrain : IGrainWithStringKey
{
    Task<RateLimitGrant> AcquireAsync(int requested, int limit, int windowMilliseconds);
}
