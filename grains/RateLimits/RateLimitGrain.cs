using Chaos.RateLimits;

namespace Chaos.RateLimits;

/// <summary>A fixed window per bucket, in memory: losing it in a failover forgives at most one window.</summary>
internal sealed class RateLimitGrain(TimeProvider time) : Grain, IRateLimitGrain
{
    private DateTimeOffset windowEnd;
    private int used;

    public Task<RateLimitGrant> AcquireAsync(int requested, int limit, int windowMilliseconds)
    {
        var now = time.GetUtcNow();
        if (now >= windowEnd)
        {
            windowEnd = now.AddMilliseconds(Math.Max(1, windowMilliseconds));
            used = 0;
        }

        var granted = Math.Clamp(Math.Min(requested, limit - used), 0, limit);
        used += granted;
        if (granted == 0)
        {
            // Stay active at least until the window ends, so the count is not forgotten by idle collection.
            DelayDeactivation(windowEnd - now);
        }

        return Task.FromResult(new RateLimitGrant(granted, limit - used, windowEnd));
    }
}
