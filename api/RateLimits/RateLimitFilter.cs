using Chaos.Api.Auth;
using Chaos.Api.Errors;

namespace Chaos.Api.RateLimits;

/// <summary>Applies one bucket to a route group for authenticated callers, with the headers on every answer.</summary>
public sealed class RateLimitFilter(string bucket) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var limiter = http.RequestServices.GetRequiredService<RateLimiter>();
        if (!limiter.Enabled || http.User.Identity?.IsAuthenticated != true)
        {
            return await next(context);
        }

        var decision = await limiter.TakeAsync(bucket, http.User.UserId());
        RateLimiter.WriteHeaders(http.Response, decision);
        if (!decision.Allowed)
        {
            // Answered here, not thrown: the exception handler would clear the rate-limit headers.
            return Problems.From(RateLimiter.Refusal(decision), http);
        }

        return await next(context);
    }
}
