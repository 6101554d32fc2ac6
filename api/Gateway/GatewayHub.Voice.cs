using System.Threading.Channels;
using Chaos.Api.Auth;
using Chaos.Api.Errors;
using Chaos.Api.Voice;
using Chaos.Errors;
using Chaos.Voice;

namespace Chaos.Api.Gateway;

/// <summary>Voice on the gateway (docs/api.md#hub-methods): signalling through the grains, media through this front door's relay.</summary>
public sealed partial class GatewayHub
{
    public async Task<VoiceJoined> JoinVoice(string channelId)
    {
        var id = RouteIds.Parse(channelId, "channelId");
        var userId = Context.User!.UserId();
        var relay = Relay;
        var context = Context;
        var session = relay.Session(Context.ConnectionId, userId, context.Abort);
        var current = session.State;
        var joined = await GrainCalls.RetryAsync(
            () => grains.GetGrain<IVoiceMemberGrain>(userId).JoinAsync(id, context.ConnectionId, relay.FrontDoorId, relay.Reference, current?.SelfMute ?? false, current?.SelfDeaf ?? false),
            idempotent: true,
            Context.ConnectionAborted);
        // Before the session enters the room, so its first frame is already checked the room's way.
        session.E2ee = await GrainCalls.RetryAsync(() => grains.GetGrain<Chaos.Communities.IChannelGrain>(id).IsE2eeAsync(), idempotent: true, Context.ConnectionAborted);
        relay.Enter(session, joined.Participants.First(p => p.UserId == userId));
        return joined;
    }

    public async Task LeaveVoice()
    {
        var userId = Context.User!.UserId();
        var connectionId = Context.ConnectionId;
        await GrainCalls.RetryAsync(() => grains.GetGrain<IVoiceMemberGrain>(userId).LeaveAsync(connectionId), idempotent: true, Context.ConnectionAborted);
        if (Relay.Find(connectionId) is { } session)
        {
            Relay.Enter(session, null);
        }
    }

    public async Task<VoiceState> SetVoiceState(bool selfMute, bool selfDeaf)
    {
        var session = InRoom();
        var (_, room) = session.Room;
        var state = await GrainCalls.RetryAsync(() => room!.SetSelfStateAsync(session.UserId, selfMute, selfDeaf), idempotent: true, Context.ConnectionAborted);
        if (session.State?.ChannelId == state.ChannelId)
        {
            Relay.Enter(session, state);
        }

        return state;
    }

    /// <summary>Client-to-server Opus frames; checked here, then handed to the room (one one-way call per frame).</summary>
    public async Task SendVoice(IAsyncEnumerable<VoiceFrame> frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        var session = InRoom();
        if (!session.TryStartSending())
        {
            throw new ChaosException(ErrorCodes.Conflict, "This connection already has two SendVoice streams.");
        }

        try
        {
            var relay = Relay;
            await foreach (var frame in frames.WithCancellation(Context.ConnectionAborted))
            {
                if (relay.Accept(session, frame) is { } packet && session.Room.Room is { } room)
                {
                    await room.ForwardAsync(session.Epoch, session.NextIndex(), packet);
                }
            }
        }
        finally
        {
            session.StopSending();
        }
    }

    /// <summary>Server-to-client frames of the room this connection is in, from a bounded queue that drops the oldest.</summary>
    public ChannelReader<VoicePacket> ReceiveVoice(CancellationToken cancellationToken)
    {
        var session = InRoom();
        var queue = Relay.CreateListenerQueue();
        session.SetQueue(queue);
        cancellationToken.Register(() => session.ClearQueue(queue));
        return queue.Reader;
    }

    private VoiceRelay Relay => observers.OfType<VoiceRelay>().First();

    private VoiceSession InRoom() =>
        Relay.Find(Context.ConnectionId) is { State.ChannelId: not null } session
            ? session
            : throw new ChaosException(ErrorCodes.NotFound, "This connection is not in a voice channel.");
}
