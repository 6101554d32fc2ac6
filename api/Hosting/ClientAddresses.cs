using System.Net;

namespace Chaos.Api.Hosting;

/// <summary>
/// The client address that per-address limits count against. <c>X-Forwarded-For</c> is believed only when the peer is one
/// of the proxies listed in <c>Chaos:FrontDoor:KnownProxies</c> (IP addresses) — by default nobody, loopback included —
/// and then only its last hop, the one that proxy added (docs/operations.md#behind-a-proxy).
/// </summary>
public sealed class ClientAddresses
{
    public const string KnownProxiesKey = "Chaos:FrontDoor:KnownProxies";

    private readonly HashSet<IPAddress> proxies;

    public ClientAddresses(IConfiguration configuration)
    {
        proxies = [];
        foreach (var proxy in configuration.GetSection(KnownProxiesKey).Get<string[]>() ?? [])
        {
            proxies.Add(IPAddress.TryParse(proxy, out var address)
                ? Normalize(address)
                : throw new InvalidOperationException($"{KnownProxiesKey} holds '{proxy}', which is not an IP address."));
        }
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
