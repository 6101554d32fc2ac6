using System.Collections.Concurrent;
using Chaos.Api.Gateway;
using Chaos.Gateway;
using Chaos.Hosting;
using Chaos.Support;
using Microsoft.AspNetCore.SignalR;

namespace Chaos.Api.Support;

/// <summary>
/// The support desk on the gateway (docs/architecture.md#support-desk). A guest's connection listens to its one
/// conversation's stream and nothing else (no Ready, no user stream, no hub methods); an agent's connection adds a desk's
/// stream with <c>WatchSupportDesk</c> after the desk grain checked HandleSupport.
/// </summary>
public sealed class SupportGateway(IGrainFactory grains, GatewayStreamSubscriptions subscriptions, GatewayExtraStreams streams, IHubContext<GatewayHub> hub)
{
    /// <summary>Gateway connections one guest token may hold on one front door.</summary>
    public const int MaxConnectionsPerConversation = 5;

    private readonly ConcurrentDictionary<string, long> guests = new();

    /// <summary>Subscribes first, then sends the conversation as it is now, so no change in between is missed.</summary>
    public async Task ConnectGuestAsync(string connectionId, long communityId, long conversationId)
    {
        if (guests.Count(g => g.Value == conversationId) >= MaxConnectionsPerConversation)
        {
            throw new HubException($"too_many_connections: at most {MaxConnectionsPerConversation} gateway connections per guest token.");
        }

        await subscriptions.AcquireAsync(ChaosProviders.SupportNamespace, conversationId);
        guests[connectionId] = conversationId;
        try
        {
            await hub.Groups.AddToGroupAsync(connectionId, GatewayGroups.For(ChaosProviders.SupportNamespace, conversationId));
            var conversation = await grains.GetGrain<ISupportDeskGrain>(communityId).GetConversationAsync(SupportCaller.Guest(conversationId), conversationId);
            await hub.Clients.Client(connectionId).SendAsync(GatewayEvents.SupportConversationUpdated, conversation);
        }
        catch
        {
            await DisconnectAsync(connectionId);
            throw;
        }
    }

    /// <summary>Gives back a guest connection's subscription; nothing for other connections.</summary>
    public async Task DisconnectAsync(string connectionId)
    {
        if (guests.TryRemove(connectionId, out var conversationId))
        {
            await hub.Groups.RemoveFromGroupAsync(connectionId, GatewayGroups.For(ChaosProviders.SupportNamespace, conversationId));
            await subscriptions.ReleaseAsync(ChaosProviders.SupportNamespace, conversationId);
        }
    }

    public async Task WatchAsync(string connectionId, long userId, long communityId)
    {
        await grains.GetGrain<ISupportDeskGrain>(communityId).RequireAgentAsync(userId);
        await streams.AddAsync(connectionId, ChaosProviders.SupportDeskNamespace, communityId);
    }

    public Task UnwatchAsync(string connectionId, long communityId) =>
        streams.RemoveAsync(connectionId, ChaosProviders.SupportDeskNamespace, communityId);
}
