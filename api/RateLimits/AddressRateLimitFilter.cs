using Chaos.Api.Errors;
using Chaos.Api.Hosting;

namespace Chaos.Api.RateLimits;

/// <summary>
/// Limits anonymous routes per client address (<c>X-RateLimit-Scope: ip</c>). The address is the connection's, or the
/// forwarded one when the request came through a proxy listed in <c>Chaos:FrontDoor:KnownProxies</c>.
/// </summary>
public sealed class AddressRateLimitFilter(string bucket) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var limiter = http.RequestServices.GetRequiredService<RateLimiter>();
        if (!limiter.Enabled)
        {
            return await next(context);
        }

        var address = http.RequestServices.GetRequiredService<ClientAddresses>().Of(http);
        var decision = await limiter.TakeForAddressAsync(bucket, address);
        RateLimiter.WriteHeaders(http.Response, decision, "ip");
        if (!decision.Allowed)
        {
            return Problems.From(RateLimiter.Refusal(decision), http);
        }

        return await next(context);
    }
}
