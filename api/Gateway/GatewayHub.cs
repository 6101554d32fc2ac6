using Chaos.Accounts;
using Chaos.Api.Accounts;
using Chaos.Api.Auth;
using Chaos.Api.Errors;
using Chaos.Api.Presence;
using Chaos.Api.Support;
using Chaos.Communities;
using Chaos.Errors;
using Chaos.Messages;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace Chaos.Api.Gateway;

/// <summary>
/// The gateway every client lives on (docs/api.md#gateway). Hub methods only parse and forward to the grains, which decide; events
/// reach connections through <see cref="GatewayEventDispatcher"/>; <see cref="GatewayAccess"/> sets each one up.
/// </summary>
[Authorize(AuthenticationSchemes = GatewaySchemes)]
public sealed partial class GatewayHub(
    IGrainFactory grains,
    GatewayAccess access,
    IReadStateStore readStates,
    IEnumerable<IReadyContributor> contributors,
    IEnumerable<IGatewayConnectionObserver> observers,
    PresenceGateway presence,
    SupportGateway support) : Hub<IGatewayClient>
{
    public override async Task OnConnectedAsync()
    {
        if (SupportGuestTokens.ConversationOf(Context.User) is { } conversationId)
        {
            // A guest token: its conversation's events only (docs/api.md#support-desk).
            await support.ConnectGuestAsync(Context.ConnectionId, SupportGuestTokens.CommunityOf(Context.User)!.Value, conversationId);
            await base.OnConnectedAsync();
            return;
        }

        var userId = Context.User!.UserId();
        // Subscribed to the user's stream before anything is read (docs/architecture.md#access-re-evaluation).
        var connection = await access.BeginAsync(Context.ConnectionId, userId);
        try
        {
            await ConnectAsync(connection, userId);
        }
        catch
        {
            // SignalR does not call OnDisconnectedAsync when this throws: give back everything taken so far.
            await access.DisconnectAsync(Context.ConnectionId);
            foreach (var observer in observers)
            {
                try
                {
                    await observer.OnDisconnectedAsync(Context.ConnectionId, userId);
                }
                catch (Exception)
                {
                    // The connection failed already; what matters is that each observer gets to forget it.
                }
            }

            throw;
        }

        await base.OnConnectedAsync();
    }

    private async Task ConnectAsync(ConnectionInfo connection, long userId)
    {
        var cancellation = Context.ConnectionAborted;
        var profile = await GrainCalls.RetryAsync(() => grains.GetGrain<IUserGrain>(userId).GetProfileAsync(), idempotent: true, cancellation)
            ?? throw new HubException("unauthorized: the account no longer exists.");
        var communityIds = await GrainCalls.RetryAsync(() => grains.GetGrain<IUserGrain>(userId).GetCommunityIdsAsync(), idempotent: true, cancellation);
        await access.PreholdAsync(connection, communityIds);
        var communities = new List<Community>();
        foreach (var id in communityIds)
        {
            try
            {
                communities.Add(await GrainCalls.RetryAsync(() => grains.GetGrain<ICommunityGrain>(id).GetAsync(userId), idempotent: true, cancellation));
            }
            catch (ChaosException)
            {
                // Left or deleted since the membership was read.
            }
        }

        var ready = new ReadyBuilder(userId) { ConnectionId = Context.ConnectionId };
        ready.Communities.AddRange(communities);
        ready.ReadStates.AddRange(await readStates.GetForUserAsync(userId));
        foreach (var contributor in contributors)
        {
            await contributor.ContributeAsync(ready, cancellation);
        }

        ReadyReadStates.KeepVisible(ready);

        var caller = Clients.Caller;
        await access.ConnectAsync(connection, ready, () => caller.Ready(new ReadyEvent(
            UserDto.Me(profile), ready.Communities, ready.DmChannels, ready.Relationships, ready.Presences, ready.ReadStates, ready.VoiceStates)));
        foreach (var observer in observers)
        {
            await observer.OnConnectedAsync(Context.ConnectionId, userId);
        }
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        await support.DisconnectAsync(Context.ConnectionId);
        await access.DisconnectAsync(Context.ConnectionId);
        if (Context.User?.FindFirst("sub") is not null)
        {
            var userId = Context.User.UserId();
            foreach (var observer in observers)
            {
                await observer.OnDisconnectedAsync(Context.ConnectionId, userId);
            }
        }

        await base.OnDisconnectedAsync(exception);
    }

    public async Task<Message> SendMessage(string channelId, string content, string? nonce = null)
    {
        var channel = Channel(channelId);
        new RequestValidator()
            .Check("content", MessageRules.CheckContent(content))
            .Check("nonce", MessageRules.CheckNonce(nonce))
            .ThrowIfInvalid();
        var userId = Context.User!.UserId();

        // In the connection's order (docs/architecture.md#sender-order): the stamp travels with the grain call, and retries.
        (await GatewaySendOrder.StampAsync(channel.GetPrimaryKeyLong()))?.Apply();

        // Retrying with the same nonce is safe: the channel returns the original instead of a duplicate.
        return await GrainCalls.RetryAsync(() => channel.SendMessageAsync(userId, content, nonce, null), idempotent: nonce is not null, Context.ConnectionAborted);
    }

    public Task StartTyping(string channelId)
    {
        var channel = Channel(channelId);
        return channel.StartTypingAsync(Context.User!.UserId());
    }

    public Task<ReadState> Ack(string channelId, string messageId)
    {
        var channel = Channel(channelId);
        var message = RouteIds.Parse(messageId, "messageId");
        return channel.AckAsync(Context.User!.UserId(), message);
    }

    private IChannelGrain Channel(string channelId) => grains.GetGrain<IChannelGrain>(RouteIds.Parse(channelId, "channelId"));
}
