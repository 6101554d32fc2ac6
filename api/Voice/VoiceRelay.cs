using System.Collections.Concurrent;
using System.Threading.Channels;
using Chaos.Api.Gateway;
using Chaos.Audio;
using Chaos.Communities;
using Chaos.Voice;

namespace Chaos.Api.Voice;

/// <summary>
/// This front door's voice relay (docs/architecture.md#media-relay): the grain observer VoiceRoom grains push frames to, the local
/// fan-out to bounded per-listener queues, the front-door checks on uploaded frames, and the timer that re-registers
/// the relay and its participants with every room so a room that failed over is rebuilt within seconds.
/// </summary>
public sealed partial class VoiceRelay(IGrainFactory grains, VoiceMetrics metrics, ILogger<VoiceRelay> logger)
    : IVoiceRelay, IGatewayConnectionObserver, IReadyContributor, IHostedService, IDisposable
{
    /// <summary>About 1.3 s of audio per listener; a slow listener loses the oldest frames, the server never backs up.</summary>
    public const int ListenerQueueFrames = 64;

    /// <summary>Bad frames tolerated per window before the connection is cut off.</summary>
    public const int MaxViolations = 100;

    private static readonly TimeSpan ViolationWindow = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, VoiceSession> sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(long ChannelId, long SpeakerId), FrameSequencer<VoicePacket>> sequencers = new();
    private readonly Lock gate = new();
    private readonly Dictionary<long, VoiceSession[]> byChannel = [];
    private volatile Dictionary<long, VoiceSession[]> listeners = [];
    private IVoiceRelay? reference;
    private CancellationTokenSource? stopping;
    private Task? refreshing;
    private Task? flushing;

    /// <summary>Wakes the flush loop when the first sequencer appears; without any it has no timer (an idle front door).</summary>
    private readonly SemaphoreSlim sequencerAdded = new(0, 1);

    /// <summary>Identifies this front door's relay to rooms; new per process, so a restarted front door is a new relay.</summary>
    public string FrontDoorId { get; } = Guid.NewGuid().ToString("N");

    /// <summary>The observer reference rooms call; this singleton keeps the relay strongly reachable.</summary>
    public IVoiceRelay Reference
    {
        get
        {
            lock (gate)
            {
                return reference ??= grains.CreateObjectReference<IVoiceRelay>(this);
            }
        }
    }

    public VoiceSession Session(string connectionId, long userId, Action abort) =>
        sessions.GetOrAdd(connectionId, static (id, arg) => new VoiceSession(id, arg.userId, arg.abort), (userId, abort));

    public VoiceSession? Find(string connectionId) => sessions.GetValueOrDefault(connectionId);

    /// <summary>A connection's <c>ReceiveVoice</c> queue: bounded, dropping (and counting) the oldest frame when full.</summary>
    public Channel<VoicePacket> CreateListenerQueue() =>
        System.Threading.Channels.Channel.CreateBounded<VoicePacket>(
            new BoundedChannelOptions(ListenerQueueFrames) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = false },
            _ => metrics.Dropped(VoiceMetrics.Queue));

    /// <summary>Puts the session in a room (or out of voice with null), keeping its <c>ReceiveVoice</c> stream on a move.</summary>
    public void Enter(VoiceSession session, VoiceState? state)
    {
        ArgumentNullException.ThrowIfNull(session);
        lock (gate)
        {
            var before = session.State?.ChannelId;
            session.State = state;
            if (state?.ChannelId is { } channelId)
            {
                session.Room = (channelId, grains.GetGrain<IVoiceRoomGrain>(channelId));
            }
            else
            {
                session.Room = (0, null);
            }

            if (before != state?.ChannelId)
            {
                if (before is { } old)
                {
                    Index(old, session, add: false);
                }

                if (state?.ChannelId is { } now)
                {
                    Index(now, session, add: true);
                }

                if (before is { } empty && !byChannel.ContainsKey(empty))
                {
                    foreach (var key in sequencers.Keys.Where(k => k.ChannelId == empty))
                    {
                        sequencers.TryRemove(key, out _);
                    }
                }

                listeners = new Dictionary<long, VoiceSession[]>(byChannel);
            }
        }

        if (state is null)
        {
            session.SetQueue(null);
        }
    }

    /// <summary>The front door's checks on one uploaded frame; the packet to forward, or null when it is dropped.</summary>
    public VoicePacket? Accept(VoiceSession session, VoiceFrame frame)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(frame);
        var now = Environment.TickCount64;
        session.Tokens = Math.Min(VoiceRules.FrameBurst, session.Tokens + ((now - session.LastRefill) * VoiceRules.MaxFramesPerSecond / 1000.0));
        session.LastRefill = now;
        if (frame.Payload is not { } payload
            || (session.E2ee ? !E2ee.E2eeVoiceFrames.IsValid(payload) : payload.Length is 0 or > VoiceRules.MaxFrameBytes || OpusPacket.Validate(payload) != OpusPacketValidity.Valid))
        {
            metrics.Dropped(VoiceMetrics.Invalid);
            Violation(session, now);
            return null;
        }

        if (session.Tokens < 1)
        {
            metrics.Dropped(VoiceMetrics.OverRate);
            Violation(session, now);
            return null;
        }

        session.Tokens -= 1;
        if (session.State is not { ChannelId: not null } state || state.Silenced)
        {
            metrics.Dropped(VoiceMetrics.Muted);
            return null;
        }

        return new VoicePacket(session.UserId, frame.Sequence, frame.Timestamp, payload);
    }

    public Task OnFrameAsync(long channelId, long epoch, long index, VoicePacket packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        if (!listeners.ContainsKey(channelId))
        {
            return Task.CompletedTask;
        }

        if (!sequencers.TryGetValue((channelId, packet.UserId), out var sequencer))
        {
            sequencer = sequencers.GetOrAdd((channelId, packet.UserId), static _ => new FrameSequencer<VoicePacket>());
            WakeFlushLoop();
        }

        int lost;
        lock (sequencer)
        {
            lost = sequencer.Push(epoch, index, packet, (this, channelId), static (s, p) => s.Item1.Deliver(s.channelId, p));
        }

        metrics.Dropped(VoiceMetrics.RelayGap, lost);

        return Task.CompletedTask;
    }

    private void Deliver(long channelId, VoicePacket packet)
    {
        if (!listeners.TryGetValue(channelId, out var room))
        {
            return;
        }

        var queued = 0;
        foreach (var listener in room)
        {
            if (listener.UserId == packet.UserId || listener.State is not { } state || state.ChannelId != channelId || state.Deafened)
            {
                continue;
            }

            if (listener.Queue?.Writer.TryWrite(packet) == true)
            {
                queued++;
            }
        }

        if (queued > 0)
        {
            metrics.Forwarded.Add(queued);
        }
    }

    public Task OnStateAsync(long channelId, VoiceState state, string connectionId)
    {
        if (sessions.TryGetValue(connectionId, out var session) && session.State?.ChannelId == channelId && session.State.UserId == state.UserId)
        {
            Enter(session, state.ChannelId is null ? null : state);
        }

        return Task.CompletedTask;
    }

    public Task OnConnectedAsync(string connectionId, long userId) => Task.CompletedTask;

    public async Task OnDisconnectedAsync(string connectionId, long userId)
    {
        if (!sessions.TryRemove(connectionId, out var session))
        {
            return;
        }

        var wasIn = session.State?.ChannelId;
        Enter(session, null);
        if (wasIn is not null)
        {
            await LeaveRoomAsync(connectionId, userId);
        }
    }

    /// <summary>A participant who can no longer see their voice channel is taken out of it (Discord disconnects them too).</summary>
    public Task OnChannelsHiddenAsync(string connectionId, long userId, IReadOnlyCollection<long> channelIds)
    {
        ArgumentNullException.ThrowIfNull(channelIds);
        if (!sessions.TryGetValue(connectionId, out var session) || session.State?.ChannelId is not { } channelId || !channelIds.Contains(channelId))
        {
            return Task.CompletedTask;
        }

        // Frames stop at once; the room is told in the background so the stream that carried the change goes on.
        Enter(session, null);
        _ = LeaveRoomAsync(connectionId, userId);
        return Task.CompletedTask;
    }

    private async Task LeaveRoomAsync(string connectionId, long userId)
    {
        try
        {
            await grains.GetGrain<IVoiceMemberGrain>(userId).LeaveAsync(connectionId);
        }
        catch (Exception exception)
        {
            // The room drops the participant anyway once this front door stops refreshing it.
            LogLeaveFailed(logger, exception, userId);
        }
    }

    /// <summary>
    /// Voice states for <c>Ready</c>: one read of each community's voice index, never a room per voice channel, so a
    /// user who sees hundreds of idle voice channels wakes nothing (docs/architecture.md#voice).
    /// </summary>
    public async Task ContributeAsync(ReadyBuilder ready, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ready);
        var communities = ready.Communities
            .Select(c => (c.Id, Rooms: c.Channels.Where(ch => ch.Type == ChannelType.Voice).Select(ch => ch.Id).ToHashSet()))
            .Where(c => c.Rooms.Count > 0)
            .ToList();
        var states = await Task.WhenAll(communities.Select(async community =>
        {
            try
            {
                var all = await grains.GetGrain<IVoiceIndexGrain>(community.Id).GetStatesAsync();
                return all.Where(s => s.ChannelId is { } id && community.Rooms.Contains(id)).ToList();
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogReadyFailed(logger, exception, community.Id);
                return [];
            }
        }));
        ready.VoiceStates.AddRange(states.SelectMany(s => s));
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        stopping = new CancellationTokenSource();
        refreshing = RefreshLoopAsync(stopping.Token);
        flushing = FlushLoopAsync(stopping.Token);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (stopping is null || refreshing is null)
        {
            return;
        }

        await stopping.CancelAsync();
        await refreshing.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await (flushing ?? Task.CompletedTask).WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public void Dispose()
    {
        stopping?.Dispose();
        sequencerAdded.Dispose();
    }

    /// <summary>Re-registers with every room that has local participants (observer lists live in grain memory).</summary>
    private async Task RefreshLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(VoiceRules.RelayRefresh);
        while (await NextTickAsync(timer, cancellationToken))
        {
            var rooms = sessions.Values
                .Select(s => (s.ConnectionId, s.State))
                .Where(s => s.State?.ChannelId is not null)
                .GroupBy(s => s.State!.ChannelId!.Value)
                .ToList();
            if (rooms.Count == 0)
            {
                continue;
            }

            var relay = Reference;
            await Task.WhenAll(rooms.Select(async room =>
            {
                var held = room.Select(s => new VoiceParticipant(s.State!, s.ConnectionId, FrontDoorId)).ToList();
                try
                {
                    await grains.GetGrain<IVoiceRoomGrain>(room.Key).RefreshRelayAsync(FrontDoorId, relay, held);
                }
                catch (Exception exception)
                {
                    LogRefreshFailed(logger, exception, room.Key);
                }
            }));
        }
    }

    /// <summary>
    /// Releases frames stuck behind a lost one (a failing silo); reordering itself needs no timer. It ticks every 100 ms
    /// only while some room has frames in sequence here: an idle front door is not woken ten times a second for nothing
    /// (docs/benchmarks.md, "An idle silo once tiered compilation has settled").
    /// </summary>
    private async Task FlushLoopAsync(CancellationToken cancellationToken)
    {
        while (await SequencersExistAsync(cancellationToken))
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
            while (!sequencers.IsEmpty && await NextTickAsync(timer, cancellationToken))
            {
                foreach (var ((channelId, _), sequencer) in sequencers)
                {
                    int lost;
                    lock (sequencer)
                    {
                        lost = sequencer.FlushStale(VoiceRules.StaleGapMilliseconds, (this, channelId), static (s, p) => s.Item1.Deliver(s.channelId, p));
                    }

                    metrics.Dropped(VoiceMetrics.RelayGap, lost);
                }
            }
        }
    }

    /// <summary>True once a sequencer exists (at once if one does); false when the relay stops.</summary>
    private async Task<bool> SequencersExistAsync(CancellationToken cancellationToken)
    {
        while (sequencers.IsEmpty)
        {
            try
            {
                await sequencerAdded.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }

        return !cancellationToken.IsCancellationRequested;
    }

    private void WakeFlushLoop()
    {
        if (sequencerAdded.CurrentCount > 0)
        {
            return; // Already signalled: the common case once the loop runs, so no exception is thrown for it.
        }

        try
        {
            sequencerAdded.Release();
        }
        catch (SemaphoreFullException)
        {
            // Signalled by another frame in between.
        }
    }

    private static async Task<bool> NextTickAsync(PeriodicTimer timer, CancellationToken cancellationToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void Violation(VoiceSession session, long now)
    {
        if (now - session.ViolationWindowStart > ViolationWindow.TotalMilliseconds)
        {
            session.ViolationWindowStart = now;
            session.Violations = 0;
        }

        if (++session.Violations > MaxViolations)
        {
            LogAbusiveSender(logger, session.UserId, session.ConnectionId);
            session.Abort();
        }
    }

    private void Index(long channelId, VoiceSession session, bool add)
    {
        var current = byChannel.GetValueOrDefault(channelId) ?? [];
        var next = add ? [.. current.Where(s => s != session), session] : current.Where(s => s != session).ToArray();
        if (next.Length == 0)
        {
            byChannel.Remove(channelId);
        }
        else
        {
            byChannel[channelId] = next;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Taking user {UserId} out of voice failed")]
    private static partial void LogLeaveFailed(ILogger logger, Exception exception, long userId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the voice index of community {CommunityId} for Ready failed")]
    private static partial void LogReadyFailed(ILogger logger, Exception exception, long communityId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Refreshing the voice relay with room {ChannelId} failed (retried on the next tick)")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception, long channelId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Disconnecting user {UserId} ({ConnectionId}): too many invalid or excess voice frames")]
    private static partial void LogAbusiveSender(ILogger logger, long userId, string connectionId);
}
