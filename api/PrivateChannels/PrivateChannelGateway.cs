using Chaos.Accounts;
using Chaos.Api.Gateway;
using Chaos.Communities;
using Chaos.Errors;
using Chaos.Gateway;
using Chaos.Hosting;
using Chaos.PrivateChannels;
using Microsoft.AspNetCore.SignalR;

namespace Chaos.Api.PrivateChannels;

/// <summary>
/// DMs and groups on the gateway: <c>dmChannels</c> in Ready (and their channel streams), a new DM or group starting to
/// flow to the recipient's open connections at once, and a removed group member's delivery stopping at once.
/// </summary>
public sealed class PrivateChannelGateway(
    IClusterClient cluster,
    GatewayAccess access,
    GatewayExtraStreams streams,
    IHubContext<GatewayHub> hub) : IReadyContributor, IGatewayEventHandler
{
    public async Task ContributeAsync(ReadyBuilder ready, CancellationToken cancellationToken)
    {
        var ids = await cluster.GetGrain<IUserGrain>(ready.UserId).GetPrivateChannelIdsAsync();
        var channels = await Task.WhenAll(ids.Select(async id =>
        {
            try
            {
                return await cluster.GetGrain<IChannelGrain>(id).GetPrivateAsync(ready.UserId);
            }
            catch (ChaosException)
            {
                return null;
            }
        }));
        foreach (var channel in channels.OfType<Channel>())
        {
            ready.DmChannels.Add(channel);
            ready.ExtraStreams.Add((ChaosProviders.ChannelNamespace, channel.Id));
        }
    }

    public async Task<bool> HandleAsync(string ns, long key, GatewayEvent evt)
    {
        switch (evt.Payload)
        {
            case PrivateChannelAdded { Channel: var channel } when ns == ChaosProviders.UserNamespace:
                // Every connection of the user, a connection still being set up included (right after its Ready): the create
                // returns only once all of them hear the channel (docs/architecture.md#delivery-barrier).
                await access.ForUserAsync(key, connection => streams.AddHeldAsync(
                    connection,
                    ChaosProviders.ChannelNamespace,
                    channel.Id,
                    () => hub.Clients.Client(connection.ConnectionId).SendAsync(GatewayEvents.ChannelCreated, channel)));
                return true;
            case RecipientRemoved removed:
                // Published on the channel's stream (delivery stops before anything said afterwards) and on the user's (a
                // connection being set up hears it too); whichever comes second finds nothing left to remove.
                await access.ForUserAsync(removed.UserId, connection => streams.RemoveHeldAsync(
                    connection,
                    ChaosProviders.ChannelNamespace,
                    removed.ChannelId,
                    () => hub.Clients.Client(connection.ConnectionId).SendAsync(GatewayEvents.ChannelDeleted, new PrivateChannelDeleted(removed.ChannelId, null))));
                return true;
            default:
                return false;
        }
    }
}
