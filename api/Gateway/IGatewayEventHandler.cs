using Chaos.Gateway;

namespace Chaos.Api.Gateway;

/// <summary>
/// Lets a feature act on stream events as they reach this front door (e.g. subscribe connections to a new DM, or to a
/// new friend's presence) before the default delivery to the stream's group. True means the handler consumed the event.
/// </summary>
public interface IGatewayEventHandler
{
    Task<bool> HandleAsync(string ns, long key, GatewayEvent evt);
}
