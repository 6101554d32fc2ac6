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
                return await cluster.GetGrain<IChannelGrain>(id).GetPrivateSnapshotAsync(ready.UserId);
            }
            catch (ChaosException)
            {
                return null;
            }
        }));
        foreach (var (channel, version) in channels.OfType<PrivateChannelSnapshot>())
        {
            ready.DmChannels.Add(channel);
            ready.PrivateVersions[channel.Id] = version;
            ready.ExtraStreams.Add((ChaosProviders.ChannelNamespace, channel.Id));
        }
    }

    public async Task<bool> HandleAsync(string ns, long key, GatewayEvent evt)
    {
        switch (evt.Payload)
        {
            case PrivateChannelAdded { Channel: var channel } added when ns == ChaosProviders.UserNamespace:
                // Every connection of the user, a connection still being set up included (right after its Ready): the create
                // returns only once all of them hear the channel (docs/architecture.md#delivery-barrier). An add older than
                // what the connection applied (a removal that came first on the channel stream, or its snapshot) is stale.
                await access.ForUserAsync(key, async connection =>
                {
                    if (connection.TakePrivateVersion(channel.Id, added.Version))
                    {
                        await streams.AddHeldAsync(
                            connection,
                            ChaosProviders.ChannelNamespace,
                            channel.Id,
                            () => hub.Clients.Client(connection.ConnectionId).SendAsync(GatewayEvents.ChannelCreated, channel));
                    }
                });
                return true;
            case RecipientRemoved removed:
                // Published on the channel's stream (delivery stops before anything said afterwards) and on the user's (a
                // connection being set up hears it too); whichever comes second is no newer and is ignored, as is a copy
                // that arrives after the user was added again (docs/architecture.md#access-re-evaluation).
                await access.ForUserAsync(removed.UserId, async connection =>
                {
                    if (connection.TakePrivateVersion(removed.ChannelId, removed.Version))
                    {
                        await streams.RemoveHeldAsync(
                            connection,
                            ChaosProviders.ChannelNamespace,
                            removed.ChannelId,
                            () => hub.Clients.Client(connection.ConnectionId).SendAsync(GatewayEvents.ChannelDeleted, new PrivateChannelDeleted(removed.ChannelId, null)));
                    }
                });
                return true;
            default:
                return false;
        }
    }
}
