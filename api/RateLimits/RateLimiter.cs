using System.Collections.Concurrent;
using System.Globalization;
using Chaos.Errors;
using Chaos.RateLimits;
using Microsoft.Extensions.Options;

namespace Chaos.Api.RateLimits;

/// <summary>
/// Cluster-wide per-user limits (docs/architecture.md#rate-limiting): each bucket is a grain; this front door holds a small batch of its
/// tokens and asks the grain again only when the batch is spent, so most requests never leave the process.
/// </summary>
public sealed class RateLimiter(IGrainFactory grains, IOptions<RateLimitOptions> options, TimeProvider time)
{
    public const string MessagesBucket = "messages";
    public const string RequestsBucket = "requests";
    private const int MaxLeases = 100_000;
    public const string AuthBucket = "auth";
    public const string InvitePreviewsBucket = "invite-previews";
    public const string GroupsBucket = "groups";
    public const string SupportStartsBucket = "support-starts";
    public const string SupportDeskBucket = "support-desk";
    private readonly ConcurrentDictionary<(string Bucket, string Key), Lease> leases = new();

    public bool Enabled => options.Value.Enabled;

    public Task<RateLimitDecision> TakeAsync(string bucket, long userId)
    {
        var (limit, window) = bucket switch
        {
            MessagesBucket => (options.Value.MessagesLimit, options.Value.MessagesWindowSeconds),
            GroupsBucket => (options.Value.GroupsLimit, options.Value.GroupsWindowSeconds),
            _ => (options.Value.RequestsLimit, options.Value.RequestsWindowSeconds),
        };
        return TakeAsync(bucket, userId.ToString(CultureInfo.InvariantCulture), limit, window);
    }

    /// <summary>A token of a per-user bucket whose limit a feature sets (<c>summaries</c>: docs/api.md#ai-assistance).</summary>
    public Task<RateLimitDecision> TakeAsync(string bucket, long userId, int limit, int windowSeconds) =>
        TakeAsync(bucket, userId.ToString(CultureInfo.InvariantCulture), limit, windowSeconds);

    /// <summary>A token of an anonymous bucket kept per client address (<c>X-RateLimit-Scope: ip</c>).</summary>
    public Task<RateLimitDecision> TakeForAddressAsync(string bucket, string address)
    {
        var (limit, window) = bucket switch
        {
            AuthBucket => (options.Value.AuthPerAddressLimit, options.Value.AuthPerAddressWindowSeconds),
            SupportStartsBucket => (options.Value.SupportStartsPerAddressLimit, options.Value.SupportStartsPerAddressWindowSeconds),
            _ => (options.Value.InvitePreviewsPerAddressLimit, options.Value.InvitePreviewsPerAddressWindowSeconds),
        };
        return TakeAsync(bucket, "ip:" + address, limit, window);
    }

    private async Task<RateLimitDecision> TakeAsync(string bucket, string key, int limit, int window)
    {
        var now = time.GetUtcNow();
        if (leases.Count > MaxLeases)
        {
            foreach (var stale in leases.Where(l => l.Value.ResetAt <= now).Select(l => l.Key).ToList())
            {
                leases.TryRemove(stale, out _);
            }
        }

        var lease = leases.GetOrAdd((bucket, key), _ => new Lease());
        await lease.Gate.WaitAsync();
        try
        {
            if (lease.Tokens == 0 || lease.ResetAt <= now)
            {
                var batch = Math.Max(1, limit / 10);
                var grant = await grains.GetGrain<IRateLimitGrain>($"rl:{bucket}:{key}")
                    .AcquireAsync(batch, limit, window * 1000);
                lease.Tokens = grant.Granted;
                lease.Remaining = grant.Remaining;
                lease.ResetAt = grant.ResetAt;
            }

            var resetAfter = Math.Max(0, (lease.ResetAt - now).TotalSeconds);
            if (lease.Tokens == 0)
            {
                return new RateLimitDecision(false, bucket, limit, 0, resetAfter);
            }

            lease.Tokens--;
            return new RateLimitDecision(true, bucket, limit, lease.Remaining + lease.Tokens, resetAfter);
        }
        finally
        {
            lease.Gate.Release();
        }
    }

    public static void WriteHeaders(HttpResponse response, RateLimitDecision decision, string scope = "user")
    {
        var headers = response.Headers;
        headers["X-RateLimit-Limit"] = decision.Limit.ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Remaining"] = decision.Remaining.ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Reset-After"] = decision.ResetAfterSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        headers["X-RateLimit-Bucket"] = decision.Bucket;
        headers["X-RateLimit-Scope"] = scope;
    }

    public static ChaosException Refusal(RateLimitDecision decision) =>
        ChaosException.RateLimited(Math.Max(decision.ResetAfterSeconds, 0.001), $"You are being rate limited in bucket '{decision.Bucket}'.");

    private sealed class Lease
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public int Tokens { get; set; }

        public int Remaining { get; set; }

        public DateTimeOffset ResetAt { get; set; }
    }
}
