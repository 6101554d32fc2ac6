using Chaos.Ai;
using Chaos.Api.Gateway;
using Chaos.Communities;
using Chaos.Gateway;
using Chaos.Hosting;
using Microsoft.AspNetCore.SignalR;
using P = Chaos.Permissions.Permissions;

namespace Chaos.Api.Ai;

/// <summary>
/// Delivers <c>ModerationQueued</c> (published on the community stream) only to this front door's connections whose user
/// holds ManageMessages in the item's channel (docs/api.md#ai-assistance): of the connections that view the channel, one
/// grain call per event and front door answers which users are moderators there — never a call per user.
/// </summary>
public sealed partial class ModerationQueuedDelivery(
    GatewayConnectionRegistry registry, IGrainFactory grains, IHubContext<GatewayHub> hub, ILogger<ModerationQueuedDelivery> logger) : IGatewayEventHandler
{
    public async Task<bool> HandleAsync(string ns, long key, GatewayEvent evt)
    {
        ArgumentNullException.ThrowIfNull(evt);
        if (ns != ChaosProviders.CommunityNamespace || evt.Payload is not ModerationQueued queued)
        {
            return false;
        }

        try
        {
            var viewers = registry.Viewers(queued.CommunityId, queued.ChannelId)
                .Select(registry.Find)
                .OfType<Chaos.Api.Gateway.ConnectionInfo>()
                .ToList();
            if (viewers.Count == 0)
            {
                return true;
            }

            var moderators = (await grains.GetGrain<ICommunityGrain>(queued.CommunityId)
                .WhoHoldsAsync([.. viewers.Select(c => c.UserId).Distinct()], queued.ChannelId, P.ViewChannel | P.ManageMessages)).ToHashSet();
            var connections = viewers.Where(c => moderators.Contains(c.UserId)).Select(c => c.ConnectionId).ToList();
            if (connections.Count > 0)
            {
                await hub.Clients.Clients(connections).SendAsync(evt.Name, queued);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Moderators also find the item in the queue; a lost event only costs them liveness.
            LogFailed(logger, e, queued.ItemId);
        }

        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivering ModerationQueued for item {ItemId} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, long itemId);
}
