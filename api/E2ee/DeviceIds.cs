using Chaos.Api.Errors;
using Chaos.E2ee;

namespace Chaos.Api.E2ee;

/// <summary>The caller's device as a request names it: the <c>deviceId</c> header, or the <c>deviceId</c> query parameter.</summary>
public static class DeviceIds
{
    public static long? Of(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var value = http.Request.Headers[E2eeRules.DeviceHeader].FirstOrDefault() ?? http.Request.Query[E2eeRules.DeviceHeader].FirstOrDefault();
        return string.IsNullOrEmpty(value) ? null : RouteIds.Parse(value, E2eeRules.DeviceHeader);
    }
}
