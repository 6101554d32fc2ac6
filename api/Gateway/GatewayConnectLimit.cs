using System.Collections.Concurrent;
using System.Globalization;
using Chaos.Api.Auth;
using Chaos.Api.Errors;
using Chaos.Api.Hosting;
using Chaos.Api.RateLimits;
using Chaos.RateLimits;
using Microsoft.Extensions.Options;

namespace Chaos.Api.Gateway;

/// <summary>
/// New gateway connections per client address and per user, counted in this front door's memory
/// (docs/architecture.md#connection-limits): a reconnect storm is refused with 429 before anything of the connection
/// runs. The address is checked before the access token is validated, the user before the first grain call.
/// </summary>
public sealed class GatewayConnectLimit(IOptions<RateLimitOptions> options, ClientAddresses addresses, TimeProvider time)
{
    public const string AddressBucket = "gateway-connects";
    public const string UserBucket = "gateway-connects-user";
    private const int MaxWindows = 100_000;
    private readonly ConcurrentDictionary<string, Window> windows = new(StringComparer.Ordinal);

    /// <summary>Only the requests that start a connection count: a negotiate, or a WebSocket or SSE request without a connection token.</summary>
    public static bool StartsConnection(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.Path.StartsWithSegments("/gateway", out var rest))
        {
            return false;
        }

        return rest.Equals("/negotiate", StringComparison.Ordinal) ? HttpMethods.IsPost(request.Method) : !rest.HasValue && !request.Query.ContainsKey("id");
    }

    public RateLimitDecision TakeForAddress(HttpContext http) =>
        Take(AddressBucket, "ip:" + addresses.Of(http), options.Value.GatewayConnectsPerAddressLimit, options.Value.GatewayConnectsPerAddressWindowSeconds);

    public RateLimitDecision TakeForUser(long userId) =>
        Take(UserBucket, "user:" + userId.ToString(CultureInfo.InvariantCulture), options.Value.GatewayConnectsPerUserLimit, options.Value.GatewayConnectsPerUserWindowSeconds);

    private RateLimitDecision Take(string bucket, string key, int limit, int windowSeconds)
    {
        var now = time.GetUtcNow();
        if (windows.Count > MaxWindows)
        {
            foreach (var stale in windows.Where(w => w.Value.ResetAt <= now).Select(w => w.Key).ToList())
            {
                windows.TryRemove(stale, out _);
            }
        }

        var window = windows.GetOrAdd(key, _ => new Window());
        lock (window)
        {
            if (window.ResetAt <= now)
            {
                window.ResetAt = now.AddSeconds(windowSeconds);
                window.Taken = 0;
            }

            var resetAfter = Math.Max(0.001, (window.ResetAt - now).TotalSeconds);
            if (window.Taken >= limit)
            {
                return new RateLimitDecision(false, bucket, limit, 0, resetAfter);
            }

            window.Taken++;
            return new RateLimitDecision(true, bucket, limit, limit - window.Taken, resetAfter);
        }
    }

    /// <summary>Before authentication: the per-address count.</summary>
    public static IApplicationBuilder UseChaosGatewayConnectLimitPerAddress(IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (StartsConnection(context.Request) && context.RequestServices.GetRequiredService<RateLimiter>().Enabled)
        {
            var decision = context.RequestServices.GetRequiredService<GatewayConnectLimit>().TakeForAddress(context);
            if (!decision.Allowed)
            {
                await RefuseAsync(context, decision, "ip");
                return;
            }
        }

        await next(context);
    });

    /// <summary>After authentication, before the hub: the per-user count (an anonymous request is left to the hub's own refusal).</summary>
    public static IApplicationBuilder UseChaosGatewayConnectLimitPerUser(IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (StartsConnection(context.Request) && context.User.FindFirst("sub") is not null && context.RequestServices.GetRequiredService<RateLimiter>().Enabled)
        {
            var decision = context.RequestServices.GetRequiredService<GatewayConnectLimit>().TakeForUser(context.User.UserId());
            if (!decision.Allowed)
            {
                await RefuseAsync(context, decision, "user");
                return;
            }
        }

        await next(context);
    });

    private static Task RefuseAsync(HttpContext context, RateLimitDecision decision, string scope)
    {
        RateLimiter.WriteHeaders(context.Response, decision, scope);
        return Problems.From(RateLimiter.Refusal(decision), context).ExecuteAsync(context);
    }

    private sealed class Window
    {
        public DateTimeOffset ResetAt { get; set; }

        public int Taken { get; set; }
    }
}
