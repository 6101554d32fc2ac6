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
    GatewayConnectionRegistry connections,
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
                foreach (var connectionId in connections.ConnectionsOf(key))
                {
                    // Subscribe first, then announce: nothing sent in the channel after this is missed.
                    await streams.AddAsync(connectionId, ChaosProviders.ChannelNamespace, channel.Id);
                    await hub.Clients.Client(connectionId).SendAsync(GatewayEvents.ChannelCreated, channel);
                }

                return true;
            case RecipientRemoved removed:
                foreach (var connectionId in connections.ConnectionsOf(removed.UserId))
                {
                    await streams.RemoveAsync(connectionId, ChaosProviders.ChannelNamespace, removed.ChannelId);
                    await hub.Clients.Client(connectionId).SendAsync(GatewayEvents.ChannelDeleted, new PrivateChannelDeleted(removed.ChannelId, null));
                }

                return true;
            default:
                return false;
        }
    }
}
