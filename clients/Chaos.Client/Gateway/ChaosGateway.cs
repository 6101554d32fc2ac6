using System.Runtime.CompilerServices;
using Chaos.Client.Communities;
using Chaos.Client.Errors;
using Chaos.Client.Messages;
using Chaos.Client.Relationships;
using Chaos.Client.Voice;
using Microsoft.AspNetCore.SignalR;

namespace Chaos.Client.Gateway;

/// <summary>
/// The real-time gateway (SignalR at <c>/gateway</c>) with typed events. It reconnects by itself (stateful reconnect
/// first; a fresh connection, possibly to another front door, when that window has passed), and keeps every channel's
/// messages whole: when a <c>seq</c> jumps, or after a fresh connection, the missed messages are fetched from history and
/// raised as <see cref="MessageCreated"/> in order, each exactly once. Events are raised one at a time, in arrival order,
/// on a background task; a handler that throws is reported through <see cref="HandlerFailed"/> and does not stop the others.
/// </summary>
/// <remarks>
/// A façade: <see cref="GatewayConnection"/> connects, rotates front doors and reconnects, <see cref="GatewayEventPump"/>
/// raises events, <see cref="GatewayGapFiller"/> keeps channels whole. This class wires them and holds the public events.
/// </remarks>
public sealed class ChaosGateway : IAsyncDisposable
{
    private readonly ChaosGatewayOptions options;
    private readonly GatewayConnection connection;
    private readonly GatewayEventPump pump;
    private readonly GatewayGapFiller gaps;

    public ChaosGateway(ChaosClient client, ChaosGatewayOptions? options = null)
        : this(client, options ?? new ChaosGatewayOptions(), null, TimeProvider.System)
    {
    }

    /// <summary>With <paramref name="connect"/> in place of real SignalR connections (tests).</summary>
    internal ChaosGateway(ChaosClient client, ChaosGatewayOptions options, Func<Uri, IGatewayHubConnection>? connect, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(client);
        this.options = options;
        connect ??= door => SignalRHubConnection.Create(door, client, options);
        IReadOnlyList<Uri> frontDoors = this.options.FrontDoors.Count > 0 ? [.. this.options.FrontDoors] : [client.BaseAddress];
        pump = new GatewayEventPump((name, exception) => HandlerFailed?.Invoke(name, exception));
        gaps = new GatewayGapFiller(
            this.options,
            (channelId, after, limit) => client.GetMessagesAsync(channelId, after: after, limit: limit),
            message => pump.Raise(nameof(MessageCreated), MessageCreated, message),
            (channelId, exception) => GapFillFailed?.Invoke(channelId, exception),
            time);
        connection = new GatewayConnection(
            this.options,
            frontDoors,
            door => Wire(connect(door)),
            () => RefreshTokenAsync(client),
            time);
        connection.Disconnected += exception => Disconnected?.Invoke(exception);
        connection.ConnectFailed += (door, exception) =>
        {
            try
            {
                ConnectFailed?.Invoke(door, exception);
            }
            catch (Exception handler)
            {
                HandlerFailed?.Invoke(nameof(ConnectFailed), handler);
            }
        };
    }

    public event Action<ReadyEvent>? Ready;

    public event Action<Message>? MessageCreated;

    /// <summary>Every <c>MessageCreated</c> exactly as it came off the socket, before duplicate suppression and gap filling (diagnostics, load tests).</summary>
    public event Action<Message>? RawMessageCreated;

    public event Action<Message>? MessageUpdated;

    public event Action<MessageDeleted>? MessageDeleted;

    public event Action<TypingStarted>? TypingStarted;

    public event Action<Presence>? PresenceUpdated;

    public event Action<Relationship>? RelationshipUpdated;

    public event Action<Community>? CommunityUpdated;

    public event Action<CommunityDeleted>? CommunityDeleted;

    /// <summary>This user created or joined a community while connected: the full community, before any other event of it.</summary>
    public event Action<Community>? CommunityJoined;

    /// <summary>This user stopped being a member of a community (left, kicked, banned, or it was deleted); nothing of it follows.</summary>
    public event Action<CommunityLeft>? CommunityLeft;

    public event Action<Member>? MemberJoined;

    public event Action<Member>? MemberUpdated;

    public event Action<MemberLeft>? MemberLeft;

    public event Action<Channel>? ChannelCreated;

    public event Action<Channel>? ChannelUpdated;

    public event Action<EntityDeleted>? ChannelDeleted;

    public event Action<RoleEvent>? RoleCreated;

    public event Action<RoleEvent>? RoleUpdated;

    public event Action<EntityDeleted>? RoleDeleted;

    public event Action<VoiceState>? VoiceStateUpdated;

    public event Action<ReadState>? ReadStateUpdated;

    public event Action<ReactionEvent>? ReactionAdded;

    public event Action<ReactionEvent>? ReactionRemoved;

    public event Action<ChannelPinsUpdated>? ChannelPinsUpdated;

    /// <summary>The front door asked to move (docs/api.md <c>Reconnect</c>); the gateway is already moving to the next front door.</summary>
    public event Action<ReconnectRequest>? ReconnectRequested;

    /// <summary>The connection was lost (the exception says why); the gateway is already reconnecting.</summary>
    public event Action<Exception?>? Disconnected;

    /// <summary>A fresh connection is up, its <c>Ready</c> raised and missed messages filled in.</summary>
    public event Action<Uri>? Reconnected;

    /// <summary>A connection attempt to a front door failed (refused, no <c>Ready</c> in time, ...); the next attempt follows.</summary>
    public event Action<Uri, Exception>? ConnectFailed;

    /// <summary>Missed messages of a channel could not be fetched (e.g. access lost); live events continue.</summary>
    public event Action<string, Exception>? GapFillFailed;

    /// <summary>An event handler threw; the exception and the event's name.</summary>
    public event Action<string, Exception>? HandlerFailed;

    /// <summary>Connected and past <c>Ready</c>.</summary>
    public bool IsConnected => connection.IsConnected;

    /// <summary>The front door of the current connection.</summary>
    public Uri? FrontDoor => connection.FrontDoor;

    /// <summary>How many messages were raised from history rather than live (gap filling), for diagnostics and load tests.</summary>
    public long FilledFromHistory => gaps.FilledFromHistory;

    /// <summary>Connects (trying each front door once) and returns after <c>Ready</c> has been raised.</summary>
    public Task StartAsync(CancellationToken cancellation = default) => connection.StartAsync(cancellation);

    /// <summary>Closes the connection and stops reconnecting; <see cref="StartAsync"/> may be called again (missed messages are then filled in).</summary>
    public Task StopAsync() => connection.StopAsync();

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await pump.DisposeAsync();
    }

    /// <summary>
    /// Seeds gap detection for a channel, e.g. with the newest message of a history page the application shows, so a
    /// message missed before the first live event of that channel is also filled in.
    /// </summary>
    public void TrackChannel(string channelId, long seq, string messageId) => gaps.Track(channelId, seq, messageId);

    /// <summary>
    /// Sends through the gateway. A nonce is generated when none is given, and the send is retried with it across
    /// disconnects until <see cref="ChaosGatewayOptions.SendRetryTimeout"/>: the server returns the original for a repeat,
    /// so a retry never creates a duplicate.
    /// </summary>
    public Task<Message> SendMessageAsync(string channelId, string content, string? nonce = null, CancellationToken cancellation = default)
    {
        nonce ??= Guid.NewGuid().ToString("N");
        return Errors.EncryptedChannels.RefusePlaintextAsync(channelId, () => connection.RetryAsync(hub => hub.InvokeAsync<Message>("SendMessage", [channelId, content, nonce], cancellation), cancellation));
    }

    public Task StartTypingAsync(string channelId, CancellationToken cancellation = default) =>
        connection.InvokeAsync(hub => hub.InvokeAsync("StartTyping", [channelId], cancellation));

    public Task<ReadState> AckAsync(string channelId, string messageId, CancellationToken cancellation = default) =>
        connection.InvokeAsync(hub => hub.InvokeAsync<ReadState>("Ack", [channelId, messageId], cancellation));

    public Task SetPresenceAsync(PresenceStatus status, string? statusMessage = null, CancellationToken cancellation = default) =>
        connection.InvokeAsync(hub => hub.InvokeAsync("SetPresence", [status.ToString().ToLowerInvariant(), statusMessage], cancellation));

    /// <summary>Joins a voice channel (leaving any other); answers the participants and the codec to send.</summary>
    public Task<VoiceJoined> JoinVoiceAsync(string channelId, CancellationToken cancellation = default) =>
        connection.InvokeAsync(hub => hub.InvokeAsync<VoiceJoined>("JoinVoice", [channelId], cancellation));

    public Task LeaveVoiceAsync(CancellationToken cancellation = default) =>
        connection.InvokeAsync(hub => hub.InvokeAsync("LeaveVoice", [], cancellation));

    public Task SetVoiceStateAsync(bool selfMute, bool selfDeaf, CancellationToken cancellation = default) =>
        connection.InvokeAsync(hub => hub.InvokeAsync("SetVoiceState", [selfMute, selfDeaf], cancellation));

    /// <summary>Streams Opus frames (one 20 ms packet each) to the room; frames are pumped in the background until <paramref name="frames"/> ends.</summary>
    public Task SendVoiceAsync(IAsyncEnumerable<VoiceFrame> frames, CancellationToken cancellation = default) =>
        connection.InvokeAsync(hub => hub.SendAsync("SendVoice", [frames], cancellation));

    /// <summary>The other participants' frames of the room this connection is in; fails with <c>not_found</c> outside a room.</summary>
    public async IAsyncEnumerable<ReceivedVoiceFrame> ReceiveVoiceAsync([EnumeratorCancellation] CancellationToken cancellation = default)
    {
        var hub = await connection.WaitConnectedAsync(connection.Now + options.ConnectTimeout, cancellation);
        var stream = hub.StreamAsync<ReceivedVoiceFrame>("ReceiveVoice", [], cancellation);
        await using var frames = stream.GetAsyncEnumerator(cancellation);
        while (true)
        {
            try
            {
                if (!await frames.MoveNextAsync())
                {
                    yield break;
                }
            }
            catch (HubException exception)
            {
                throw HubErrors.Translate(exception);
            }

            yield return frames.Current;
        }
    }

    /// <summary>Handles a <c>MessageCreated</c> as the pump does: drops repeats, fills a <c>seq</c> jump from history first.</summary>
    internal Task OnMessageCreatedAsync(Message message) => gaps.OnMessageCreatedAsync(message);

    private static async Task RefreshTokenAsync(ChaosClient client)
    {
        if (client.Session is { } session)
        {
            try
            {
                await client.Tokens.RefreshAsync(session.AccessToken, CancellationToken.None);
            }
            catch (ChaosApiException)
            {
                // The login itself is gone; keep trying in case the caller logs in again.
            }
        }
    }

    /// <summary>Routes a new connection's events through the pump (and messages through the gap filler).</summary>
    private IGatewayHubConnection Wire(IGatewayHubConnection hub)
    {
        hub.On<ReadyEvent>("Ready", ready => pump.Enqueue(() => OnReadyAsync(hub, ready)));
        hub.On<ReconnectRequest>("Reconnect", request =>
            connection.RequestReconnect(hub, TimeSpan.FromMilliseconds(request.RetryAfterMs))
                ? pump.Enqueue(() => pump.Raise(nameof(ReconnectRequested), ReconnectRequested, request))
                : Task.CompletedTask);
        hub.On<Message>("MessageCreated", message =>
        {
            RawMessageCreated?.Invoke(message);
            return pump.Enqueue(() => gaps.OnMessageCreatedAsync(message));
        });
        hub.On<Message>("MessageUpdated", message => pump.Enqueue(() => pump.Raise(nameof(MessageUpdated), MessageUpdated, message)));
        hub.On<MessageDeleted>("MessageDeleted", deleted => pump.Enqueue(() => pump.Raise(nameof(MessageDeleted), MessageDeleted, deleted)));
        On(hub, "TypingStarted", () => TypingStarted);
        On(hub, "PresenceUpdated", () => PresenceUpdated);
        On(hub, "RelationshipUpdated", () => RelationshipUpdated);
        On(hub, "CommunityUpdated", () => CommunityUpdated);
        On(hub, "CommunityDeleted", () => CommunityDeleted);
        On(hub, "CommunityJoined", () => CommunityJoined);
        On(hub, "CommunityLeft", () => CommunityLeft);
        On(hub, "MemberJoined", () => MemberJoined);
        On(hub, "MemberUpdated", () => MemberUpdated);
        On(hub, "MemberLeft", () => MemberLeft);
        On(hub, "ChannelCreated", () => ChannelCreated);
        On(hub, "ChannelUpdated", () => ChannelUpdated);
        hub.On<EntityDeleted>("ChannelDeleted", deleted => pump.Enqueue(() =>
        {
            gaps.Forget(deleted.Id);
            return pump.Raise(nameof(ChannelDeleted), ChannelDeleted, deleted);
        }));
        On(hub, "RoleCreated", () => RoleCreated);
        On(hub, "RoleUpdated", () => RoleUpdated);
        On(hub, "RoleDeleted", () => RoleDeleted);
        On(hub, "VoiceStateUpdated", () => VoiceStateUpdated);
        On(hub, "ReadStateUpdated", () => ReadStateUpdated);
        On(hub, "ReactionAdded", () => ReactionAdded);
        On(hub, "ReactionRemoved", () => ReactionRemoved);
        On(hub, "ChannelPinsUpdated", () => ChannelPinsUpdated);
        return hub;
    }

    private void On<T>(IGatewayHubConnection hub, string name, Func<Action<T>?> handler) =>
        hub.On<T>(name, payload => pump.Enqueue(() => pump.Raise(name, handler(), payload)));

    private async Task OnReadyAsync(IGatewayHubConnection hub, ReadyEvent ready)
    {
        var resumed = connection.ReadyArriving();
        await pump.Raise(nameof(Ready), Ready, ready);
        if (resumed && options.FillGaps)
        {
            await gaps.FillAllAsync();
        }

        connection.ReadyHandled(hub);
        if (resumed && connection.FrontDoor is { } door)
        {
            Reconnected?.Invoke(door);
        }
    }
}
