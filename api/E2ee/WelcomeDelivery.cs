using Chaos.Api.Gateway;
using Chaos.E2ee;
using Chaos.Gateway;
using Microsoft.AspNetCore.SignalR;

namespace Chaos.Api.E2ee;

/// <summary>
/// Hands a welcome to the local connections of the devices it names and to nobody else: it arrives on the channel stream
/// (so it keeps its place in the channel's order) as a front-door-only event, never through the channel's group.
/// </summary>
public sealed class WelcomeDelivery(DeviceConnections devices, IHubContext<GatewayHub> hub) : IGatewayEventHandler
{
    public async Task<bool> HandleAsync(string ns, long key, GatewayEvent evt)
    {
        ArgumentNullException.ThrowIfNull(evt);
        if (evt.Payload is not MlsWelcomeDelivery welcome)
        {
            return false;
        }

        var targets = devices.ConnectionsOf(welcome.RecipientDeviceIds);
        if (targets.Count > 0)
        {
            await hub.Clients.Clients(targets).SendAsync(GatewayEvents.MlsMessage, welcome.Message);
        }

        return true;
    }
}
