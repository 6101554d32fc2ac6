using Chaos.Api.Auth;
using Chaos.Api.Errors;

namespace Chaos.Api.RateLimits;

/// <summary>
/// Applied once to the whole <c>/api/v1</c> group, so every authenticated route counts against a per-user bucket: the one
/// its <see cref="RateLimitBucket"/> metadata names, else the requests bucket. Headers ride on every answer.
/// </summary>
public sealed class RateLimitFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var limiter = http.RequestServices.GetRequiredService<RateLimiter>();
        if (!limiter.Enabled || http.User.Identity?.IsAuthenticated != true)
        {
            return await next(context);
        }

        var bucket = http.GetEndpoint()?.Metadata.GetMetadata<RateLimitBucket>()?.Name ?? RateLimiter.RequestsBucket;
        // A guest token counts against its conversation's bucket (it names no user).
        var decision = await limiter.TakeAsync(bucket, Support.SupportGuestTokens.ConversationOf(http.User) ?? http.User.UserId());
        RateLimiter.WriteHeaders(http.Response, decision);
        if (!decision.Allowed)
        {
            // Answered here, not thrown: the exception handler would clear the rate-limit headers.
            return Problems.From(RateLimiter.Refusal(decision), http);
        }

        return await next(context);
    }
}
