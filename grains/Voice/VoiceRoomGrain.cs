using Chaos.Communities;
using Chaos.Errors;
using Chaos.Gateway;
using Chaos.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Placement;
using Orleans.Streams;
using P = Chaos.Permissions.Permissions;

namespace Chaos.Voice;

/// <summary>
/// One voice room. Everything lives in memory and is rebuilt by the front doors' periodic <see cref="RefreshRelayAsync"/>
/// after a failover (docs/architecture.md#media-relay), so nothing is written to PostgreSQL on the media or signalling path.
/// Placed on the silo of the first caller: in co-hosted mode that is the front door of the first participant. The room
/// keeps its community's <see cref="IVoiceIndexGrain"/> up to date, so <c>Ready</c> never has to wake a room, and it
/// ticks only while someone (or a relay, or a just-departed participant's guard) is in it.
/// </summary>
[PreferLocalPlacement]
internal sealed partial class VoiceRoomGrain(VoiceMetrics metrics, ILogger<VoiceRoomGrain> logger) : Grain, IVoiceRoomGrain
{
    private static readonly TimeSpan TickPeriod = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan RejoinGuard = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan SpeakRecheck = TimeSpan.FromSeconds(10);

    private readonly Dictionary<long, Participant> participants = [];
    private readonly Dictionary<string, RelayEntry> relays = [];
    private readonly Dictionary<long, long> recentlyLeft = [];
    private IVoiceRelay[] fanout = [];
    private long communityId;
    private IAsyncStream<GatewayEvent>? stream;
    private IGrainTimer? timer;
    private IReadOnlyList<VoiceState>? indexed;
    private long lastIndexed;

    private long ChannelId => this.GetPrimaryKeyLong();

    private static long Now => Environment.TickCount64;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Voice states go out on the voice channel's own stream: front doors already listen to it exactly for the
        // connections that may view the channel, and access changes are ordered on it ahead of later events.
        stream = this.GetStreamProvider(ChaosProviders.Streams).GetStream<GatewayEvent>(StreamId.Create(ChaosProviders.ChannelNamespace, ChannelId));

        // No timer yet: an empty room costs nothing until someone joins (docs/architecture.md#voice).
        return base.OnActivateAsync(cancellationToken);
    }

    public async Task<VoiceJoined> JoinAsync(long userId, string connectionId, string frontDoorId, IVoiceRelay relay, bool selfMute, bool selfDeaf, bool serverMute, bool serverDeaf, long? movedBy)
    {
        ArgumentNullException.ThrowIfNull(relay);
        var community = await CommunityAsync(userId);
        var channel = await community.GetChannelAsync(userId, ChannelId);
        if (channel.Type != ChannelType.Voice)
        {
            throw ChaosException.Validation("channelId", "channelId must be a voice channel.");
        }

        var joiner = await community.GetPermissionsAsync(userId, ChannelId);
        Require(joiner, movedBy is null ? P.ViewChannel | P.Connect : P.ViewChannel);
        if (movedBy is { } mover)
        {
            Require(await community.GetPermissionsAsync(mover, ChannelId), P.ViewChannel | P.Connect | P.MoveMembers);
        }

        participants.TryGetValue(userId, out var existing);
        if (existing is null && participants.Count >= VoiceRules.MaxParticipants)
        {
            throw new ChaosException(ErrorCodes.Conflict, $"The voice channel is full ({VoiceRules.MaxParticipants} participants).");
        }

        if (existing is not null && existing.ConnectionId != connectionId)
        {
            // The same user joined again from another connection: the old one stops being in the room.
            Notify(existing, existing.State with { ChannelId = null, Speaking = false });
        }

        var state = new VoiceState(ChannelId, userId, selfMute, selfDeaf, existing?.State.Mute ?? serverMute, existing?.State.Deaf ?? serverDeaf, false);
        participants[userId] = new Participant(state, connectionId, frontDoorId) { CanSpeak = MaySpeak(joiner), SpeakCheckedAt = Now };
        recentlyLeft.Remove(userId);
        Register(frontDoorId, relay);
        StartTicking();
        await PublishAsync(state);
        return new VoiceJoined(ChannelId, States(), VoiceCodec.Opus);
    }

    public async Task<bool> LeaveAsync(long userId, string? connectionId)
    {
        if (!participants.TryGetValue(userId, out var participant) || (connectionId is not null && participant.ConnectionId != connectionId))
        {
            return false;
        }

        await RemoveAsync(participant, null);
        return true;
    }

    public async Task<VoiceState> SetSelfStateAsync(long userId, bool selfMute, bool selfDeaf)
    {
        var participant = participants.GetValueOrDefault(userId) ?? throw new ChaosException(ErrorCodes.NotFound, "You are not in this voice channel.");
        await UpdateAsync(participant, participant.State with { SelfMute = selfMute, SelfDeaf = selfDeaf, Speaking = participant.State.Speaking && !selfMute });
        return participant.State;
    }

    public async Task<VoiceState> ModerateAsync(long actorId, long userId, bool? mute, bool? deaf)
    {
        var participant = participants.GetValueOrDefault(userId) ?? throw ChaosException.NotFound("voice state");
        var held = await (await CommunityAsync(actorId)).GetModerationPermissionsAsync(actorId, userId, ChannelId);
        Require(held, (mute is null ? P.None : P.MuteMembers) | (deaf is null ? P.None : P.DeafenMembers));
        var state = participant.State;
        state = state with { Mute = mute ?? state.Mute, Deaf = deaf ?? state.Deaf };
        await UpdateAsync(participant, state with { Speaking = state.Speaking && !state.Silenced });
        return participant.State;
    }

    public async Task<VoiceState?> RemoveByModeratorAsync(long actorId, long userId, long? toChannelId)
    {
        if (!participants.TryGetValue(userId, out var participant))
        {
            return null;
        }

        var held = await (await CommunityAsync(actorId)).GetModerationPermissionsAsync(actorId, userId, ChannelId);
        Require(held, P.MoveMembers);
        if (toChannelId == ChannelId)
        {
            return participant.State;
        }

        // The room may have changed while the permission check was awaited (the grain is not reentrant, but be exact).
        if (!participants.TryGetValue(userId, out participant))
        {
            return null;
        }

        await RemoveAsync(participant, toChannelId);
        return participant.State;
    }

    public async Task<IReadOnlyList<VoiceState>> GetStatesAsync(long userId)
    {
        if (timer is null)
        {
            // Woken only to be read: nobody is here, so do not linger.
            DeactivateOnIdle();
        }

        var community = await CommunityAsync(userId);
        Require(await community.GetPermissionsAsync(userId, ChannelId), P.ViewChannel);
        return States();
    }

    public Task<IReadOnlyList<VoiceState>> GetParticipantsAsync() => Task.FromResult(States());

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        timer?.Dispose();
        timer = null;
        return base.OnDeactivateAsync(reason, cancellationToken);
    }

    public async Task RefreshRelayAsync(string frontDoorId, IVoiceRelay relay, IReadOnlyList<VoiceParticipant> held)
    {
        ArgumentNullException.ThrowIfNull(held);
        Register(frontDoorId, relay);
        var now = Now;
        foreach (var item in held)
        {
            var userId = item.State.UserId;
            if (participants.ContainsKey(userId) || participants.Count >= VoiceRules.MaxParticipants || item.FrontDoorId != frontDoorId || item.State.ChannelId != ChannelId)
            {
                continue;
            }

            if (recentlyLeft.TryGetValue(userId, out var left) && now - left < RejoinGuard.TotalMilliseconds)
            {
                // Left here after the front door took its snapshot: a late refresh must not bring them back.
                continue;
            }

            // A new activation after a failover: the front door still holds this participant, so the room does too.
            // Speak is unknown until the next tick asks the community; until then the participant's frames are dropped.
            var state = item.State with { Speaking = false };
            participants[userId] = new Participant(state, item.ConnectionId, frontDoorId) { CanSpeak = false, SpeakCheckedAt = 0 };
            LogRestored(logger, userId, ChannelId, frontDoorId);
            StartTicking();
            await PublishAsync(state);
        }

        if (relays.Count > 0)
        {
            StartTicking();
        }
    }

    public Task ForwardAsync(long epoch, long index, VoicePacket packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        if (!participants.TryGetValue(packet.UserId, out var speaker))
        {
            return Task.CompletedTask;
        }

        speaker.LastAttempt = Now;
        metrics.Dropped(VoiceMetrics.RoomGap, speaker.Inbound.Push(epoch, index, packet, (this, speaker), static (s, p) => s.Item1.Relay(s.Item2, p)));
        return speaker.State.Speaking || speaker.LastFrame == 0 || speaker.State.Silenced || !speaker.CanSpeak
            ? Task.CompletedTask
            : UpdateAsync(speaker, speaker.State with { Speaking = true });
    }

    private void Relay(Participant speaker, VoicePacket packet)
    {
        if (speaker.State.Silenced)
        {
            return;
        }

        if (!speaker.CanSpeak)
        {
            // In the room without the Speak permission: listening only.
            metrics.Dropped(VoiceMetrics.NoSpeak);
            return;
        }

        speaker.LastFrame = Now;
        var index = ++speaker.OutIndex;
        var targets = fanout;
        for (var i = 0; i < targets.Length; i++)
        {
            // One-way observer calls: queued to each front door, never awaited.
            _ = targets[i].OnFrameAsync(ChannelId, speaker.Epoch, index, packet);
        }
    }

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        var now = Now;
        foreach (var (frontDoorId, entry) in relays.ToList())
        {
            if (now - entry.LastSeen > VoiceRules.RelayExpiry.TotalMilliseconds)
            {
                // The front door stopped refreshing: it died, and its participants' connections with it.
                LogRelayExpired(logger, frontDoorId, ChannelId);
                foreach (var gone in participants.Values.Where(p => p.FrontDoorId == frontDoorId).ToList())
                {
                    await RemoveAsync(gone, null, notify: false);
                }

                relays.Remove(frontDoorId);
                fanout = [.. relays.Values.Select(r => r.Relay)];
            }
        }

        foreach (var participant in participants.Values)
        {
            metrics.Dropped(VoiceMetrics.RoomGap, participant.Inbound.FlushStale(VoiceRules.StaleGapMilliseconds, (this, participant), static (s, p) => s.Item1.Relay(s.Item2, p)));
        }

        foreach (var participant in participants.Values.Where(p => p.State.Speaking && now - p.LastFrame > VoiceRules.SpeakingTimeout.TotalMilliseconds).ToList())
        {
            await UpdateAsync(participant, participant.State with { Speaking = false });
        }

        if (recentlyLeft.Count > 0)
        {
            foreach (var stale in recentlyLeft.Where(l => now - l.Value > RejoinGuard.TotalMilliseconds).Select(l => l.Key).ToList())
            {
                recentlyLeft.Remove(stale);
            }
        }

        await CheckSpeakAsync(now);
        if (now - lastIndexed > VoiceRules.IndexRefresh.TotalMilliseconds)
        {
            // The index lives in memory only: re-sent regularly, it is rebuilt within seconds after its silo failed.
            indexed = null;
        }

        await IndexAsync();
        if (participants.Count == 0 && relays.Count == 0 && recentlyLeft.Count == 0)
        {
            // Empty: stop ticking and go; the next join or relay refresh activates the room again.
            timer?.Dispose();
            timer = null;
            DeactivateOnIdle();
        }
    }

    /// <summary>
    /// Speak is checked on joining and again, at most every <see cref="SpeakRecheck"/>, for participants who are sending:
    /// a role change reaches a speaker within seconds without the room asking the community about silent listeners.
    /// </summary>
    private async Task CheckSpeakAsync(long now)
    {
        var due = participants.Values
            .Where(p => now - p.SpeakCheckedAt > SpeakRecheck.TotalMilliseconds && (p.SpeakCheckedAt == 0 || now - p.LastAttempt < SpeakRecheck.TotalMilliseconds))
            .ToList();
        foreach (var participant in due)
        {
            var userId = participant.State.UserId;
            try
            {
                participant.CanSpeak = MaySpeak(await (await CommunityAsync(userId)).GetPermissionsAsync(userId, ChannelId));
            }
            catch (ChaosException)
            {
                // No longer a member, or the channel is gone: nothing more to say here.
                participant.CanSpeak = false;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // The community did not answer (a failover): keep what was known and ask again on the next tick.
                LogSpeakCheckFailed(logger, exception, userId, ChannelId);
                continue;
            }

            participant.SpeakCheckedAt = now;
            if (!participant.CanSpeak && participant.State.Speaking && participants.ContainsKey(userId))
            {
                await UpdateAsync(participant, participant.State with { Speaking = false });
            }
        }
    }

    private static bool MaySpeak(P held) => held.HasFlag(P.Administrator) || held.HasFlag(P.Speak);

    private void StartTicking() => timer ??= this.RegisterGrainTimer(TickAsync, new GrainTimerCreationOptions(TickPeriod, TickPeriod));

    /// <summary>
    /// Tells the community's voice index who is here when that changed (speaking aside, which is too frequent and too
    /// short-lived for a snapshot). Awaited, so the index sees this room's snapshots in order.
    /// </summary>
    private async Task IndexAsync()
    {
        var snapshot = participants.Values.Select(p => p.State with { Speaking = false }).OrderBy(s => s.UserId).ToList();
        if (indexed is not null && indexed.SequenceEqual(snapshot))
        {
            return;
        }

        try
        {
            var community = await CommunityIdAsync();
            if (community == 0)
            {
                return;
            }

            await GrainFactory.GetGrain<IVoiceIndexGrain>(community).SetRoomAsync(ChannelId, snapshot);
            indexed = snapshot;
            lastIndexed = Now;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Sent again on the next tick.
            indexed = null;
            LogIndexFailed(logger, exception, ChannelId);
            StartTicking();
        }
    }

    private async Task RemoveAsync(Participant participant, long? toChannelId, bool notify = true)
    {
        var userId = participant.State.UserId;
        participants.Remove(userId);
        if (recentlyLeft.Count < VoiceRules.MaxParticipants * 4)
        {
            recentlyLeft[userId] = Now;
        }

        var left = participant.State with { ChannelId = toChannelId, Speaking = false };
        if (notify)
        {
            Notify(participant, left);
        }

        if (!participants.Values.Any(p => p.FrontDoorId == participant.FrontDoorId) && relays.Remove(participant.FrontDoorId))
        {
            fanout = [.. relays.Values.Select(r => r.Relay)];
        }

        participant.State = left;
        await PublishAsync(left);
    }

    private async Task UpdateAsync(Participant participant, VoiceState state)
    {
        if (state == participant.State)
        {
            return;
        }

        participant.State = state;
        Notify(participant, state);
        await PublishAsync(state);
    }

    /// <summary>Tells the participant's front door, which enforces mute and deafen on its connection at once.</summary>
    private void Notify(Participant participant, VoiceState state)
    {
        if (relays.TryGetValue(participant.FrontDoorId, out var entry))
        {
            _ = entry.Relay.OnStateAsync(ChannelId, state, participant.ConnectionId);
        }
    }

    private void Register(string frontDoorId, IVoiceRelay relay)
    {
        var known = relays.TryGetValue(frontDoorId, out var entry) && entry.Relay.Equals(relay);
        relays[frontDoorId] = new RelayEntry(relay, Now);
        if (!known)
        {
            fanout = [.. relays.Values.Select(r => r.Relay)];
        }
    }

    private IReadOnlyList<VoiceState> States() => [.. participants.Values.Select(p => p.State)];

    private async Task PublishAsync(VoiceState state)
    {
        await stream!.OnNextAsync(new GatewayEvent(GatewayEvents.VoiceStateUpdated, state, null));
        await IndexAsync();
    }

    private async Task<ICommunityGrain> CommunityAsync(long userId)
    {
        var community = await CommunityIdAsync();
        return community != 0 ? GrainFactory.GetGrain<ICommunityGrain>(community) : throw ChaosException.NotFound("channel");
    }

    private async Task<long> CommunityIdAsync()
    {
        if (communityId == 0)
        {
            communityId = await GrainFactory.GetGrain<IChannelGrain>(ChannelId).GetCommunityIdAsync() ?? 0;
        }

        return communityId;
    }

    private static void Require(P held, P needed)
    {
        if (held.HasFlag(P.Administrator))
        {
            return;
        }

        var missing = needed & ~held;
        if (missing != P.None)
        {
            var name = Permissions.PermissionSets.Names(missing)[0];
            throw new ChaosException(ErrorCodes.MissingPermission, $"This needs the {name} permission.", name, null, null);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Checking the Speak permission of {UserId} in {ChannelId} failed (asked again on the next tick)")]
    private static partial void LogSpeakCheckFailed(ILogger logger, Exception exception, long userId, long channelId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Updating the voice index with room {ChannelId} failed (sent again on the next tick)")]
    private static partial void LogIndexFailed(ILogger logger, Exception exception, long channelId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Restored voice participant {UserId} in {ChannelId} from front door {FrontDoorId}")]
    private static partial void LogRestored(ILogger logger, long userId, long channelId, string frontDoorId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Front door {FrontDoorId} stopped refreshing voice room {ChannelId}; its participants left")]
    private static partial void LogRelayExpired(ILogger logger, string frontDoorId, long channelId);

    private sealed class Participant(VoiceState state, string connectionId, string frontDoorId)
    {
        public VoiceState State { get; set; } = state;

        public string ConnectionId { get; } = connectionId;

        public string FrontDoorId { get; } = frontDoorId;

        public long LastFrame { get; set; }

        /// <summary>When a frame last arrived, relayed or not (a speaker without Speak is re-checked while sending).</summary>
        public long LastAttempt { get; set; }

        /// <summary>Whether the participant held Speak when last checked (0: not checked yet).</summary>
        public bool CanSpeak { get; set; }

        public long SpeakCheckedAt { get; set; }

        /// <summary>Restores the order of this speaker's frames from the front door.</summary>
        public FrameSequencer<VoicePacket> Inbound { get; } = new();

        /// <summary>Numbers this participant's forwarded frames for the relays; a new participant entry is a new epoch.</summary>
        public long Epoch { get; } = Random.Shared.NextInt64(1, long.MaxValue);

        public long OutIndex { get; set; }
    }

    private sealed record RelayEntry(IVoiceRelay Relay, long LastSeen);
}
