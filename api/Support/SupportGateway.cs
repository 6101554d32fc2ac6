using System.Collections.Concurrent;
using Chaos.Api.Gateway;
using Chaos.Communities;
using Chaos.Errors;
using Chaos.Gateway;
using Chaos.Hosting;
using Chaos.Support;
using Microsoft.AspNetCore.SignalR;
using ConnectionInfo = Chaos.Api.Gateway.ConnectionInfo;

namespace Chaos.Api.Support;

/// <summary>
/// The support desk on the gateway (docs/architecture.md#support-desk). A guest's connection listens to its one
/// conversation's stream and nothing else (no Ready, no user stream, no hub methods); an agent's connection adds a desk's
/// stream with <c>WatchSupportDesk</c> after the desk grain checked HandleSupport, and loses it again when a change of
/// its access in that community (a role taken away, a kick, a ban, the community deleted) leaves it without HandleSupport.
/// </summary>
public sealed partial class SupportGateway(
    IGrainFactory grains,
    GatewayStreamSubscriptions subscriptions,
    GatewayExtraStreams streams,
    IHubContext<GatewayHub> hub,
    ILogger<SupportGateway> logger) : IGatewayConnectionObserver
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

    public Task OnConnectedAsync(string connectionId, long userId) => Task.CompletedTask;

    public Task OnDisconnectedAsync(string connectionId, long userId) => Task.CompletedTask;

    /// <summary>
    /// Re-checks HandleSupport for a connection watching this community's desk whenever its access there changed. An answer
    /// that does not come (a timeout, a failover) ends the watch too: access is dropped, not kept; the agent's app watches
    /// again once it has the permission back (docs/architecture.md#support-desk).
    /// </summary>
    public async Task OnCommunityAccessAppliedAsync(ConnectionInfo connection, long communityId, Community? view)
    {
        if (!connection.ExtraStreams.Contains((ChaosProviders.SupportDeskNamespace, communityId)))
        {
            return;
        }

        if (view is not null)
        {
            try
            {
                await grains.GetGrain<ISupportDeskGrain>(communityId).RequireAgentAsync(connection.UserId);
                return;
            }
            catch (ChaosException)
            {
            }
            catch (Exception exception)
            {
                LogRecheckFailed(logger, exception, connection.ConnectionId, communityId);
            }
        }

        await streams.RemoveHeldAsync(connection, ChaosProviders.SupportDeskNamespace, communityId, () => Task.CompletedTask);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Re-checking HandleSupport of connection {ConnectionId} watching the desk of community {CommunityId} failed; the watch is ended")]
    private static partial void LogRecheckFailed(ILogger logger, Exception exception, string connectionId, long communityId);
}
