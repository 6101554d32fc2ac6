using System.Net;
using Microsoft.Extensions.Options;

namespace Chaos.Api.Hosting;

/// <summary>
/// The client address that per-address limits count against. <c>X-Forwarded-For</c> is believed only when the peer is one
/// of the proxies listed in <see cref="FrontDoorOptions.KnownProxies"/> (IP addresses) — by default nobody, loopback included —
/// and then only its last hop, the one that proxy added (docs/operations.md#behind-a-proxy).
/// </summary>
public sealed class ClientAddresses
{
    private readonly HashSet<IPAddress> proxies;

    /// <param name="options">Validated at start-up: every entry is an IP address.</param>
    public ClientAddresses(IOptions<FrontDoorOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        proxies = [.. options.Value.KnownProxies.Select(proxy => Normalize(IPAddress.Parse(proxy)))];
    }

    public string Of(HttpContext http)
    {
        var peer = http.Connection.RemoteIpAddress is { } remote ? Normalize(remote) : null;
        if (peer is null)
        {
            return "unknown";
        }

        if (proxies.Contains(peer) && http.Request.Headers["X-Forwarded-For"].ToString() is { Length: > 0 } forwarded)
        {
            var last = forwarded.Split(',')[^1].Trim();
            if (IPAddress.TryParse(last, out var client))
            {
                return Normalize(client).ToString();
            }
        }

        return peer.ToString();
    }

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
