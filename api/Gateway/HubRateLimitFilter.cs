using System.Globalization;
using Chaos.Api.Auth;
using Chaos.Api.RateLimits;
using Microsoft.AspNetCore.SignalR;

namespace Chaos.Api.Gateway;

/// <summary>
/// Every hub method counts against a per-user bucket, as every REST route does: <c>SendMessage</c> against the messages
/// bucket, everything else (typing, acks, presence, voice joins, member-list views) against the requests bucket. Voice
/// frames inside a <c>SendVoice</c> stream have their own frame limit; the stream's start counts once.
/// </summary>
public sealed class HubRateLimitFilter(RateLimiter limiter) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var user = invocationContext.Context.User;
        if (limiter.Enabled && user?.FindFirst("sub") is not null)
        {
            var bucket = invocationContext.HubMethodName == nameof(GatewayHub.SendMessage) ? RateLimiter.MessagesBucket : RateLimiter.RequestsBucket;
            var decision = await limiter.TakeAsync(bucket, user.UserId());
            if (!decision.Allowed)
            {
                var milliseconds = Math.Ceiling(Math.Max(decision.ResetAfterSeconds, 0.001) * 1000).ToString("0", CultureInfo.InvariantCulture);
                throw new HubException($"rate_limited: retry after {milliseconds} ms");
            }
        }

        return await next(invocationContext);
    }
}
