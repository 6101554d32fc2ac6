using Chaos.Communities;
using Chaos.Errors;
using Chaos.Hosting;
using P = Chaos.Permissions.Permissions;

namespace Chaos.Voice;

/// <summary>
/// The user's single voice session. Persisted (a write per join and leave, never per frame) so a moderator can still
/// find the member's room after the silo holding this grain failed; a stale pointer is harmless because rooms answer
/// "not there" and the pointer is then cleared.
/// </summary>
internal sealed class VoiceMemberGrain(
    [PersistentState("voice-member", ChaosProviders.GrainStorage)] IPersistentState<VoiceMemberState> state) : Grain, IVoiceMemberGrain
{
    private const int MuteBit = 1;
    private const int DeafBit = 2;

    private long UserId => this.GetPrimaryKeyLong();

    private VoiceMemberState S => state.State;

    public async Task<VoiceJoined> JoinAsync(long channelId, string connectionId, string frontDoorId, IVoiceRelay relay, bool selfMute, bool selfDeaf)
    {
        if (S.ChannelId is { } current && current != channelId)
        {
            // One room at a time: joining another leaves the first, whichever connection was in it.
            await Room(current).LeaveAsync(UserId, null);
        }

        // Server mute and deafen belong to the member of the community, not to one stay in a room (Discord keeps them
        // across leaving and rejoining too).
        var communityId = await GrainFactory.GetGrain<IChannelGrain>(channelId).GetCommunityIdAsync() ?? 0;
        var moderation = S.Moderation.GetValueOrDefault(communityId);
        var joined = await Room(channelId).JoinAsync(UserId, connectionId, frontDoorId, relay, selfMute, selfDeaf, (moderation & MuteBit) != 0, (moderation & DeafBit) != 0, null);
        S.ChannelId = channelId;
        S.ConnectionId = connectionId;
        S.FrontDoorId = frontDoorId;
        S.Relay = relay;
        await state.WriteStateAsync();
        return joined;
    }

    public async Task LeaveAsync(string? connectionId)
    {
        if (S.ChannelId is not { } current || (connectionId is not null && S.ConnectionId != connectionId))
        {
            return;
        }

        await Room(current).LeaveAsync(UserId, connectionId);
        await ClearAsync();
    }

    public async Task EvictAsync(long communityId)
    {
        // Leaving the community also ends its server mute and deafen: a member who comes back starts without them.
        var changed = S.Moderation.Remove(communityId);
        if (S.ChannelId is { } current && await GrainFactory.GetGrain<IChannelGrain>(current).GetCommunityIdAsync() == communityId)
        {
            await Room(current).LeaveAsync(UserId, null);
            S.ChannelId = null;
            S.Relay = null;
            changed = true;
        }

        if (changed)
        {
            await state.WriteStateAsync();
        }
    }

    public Task<long?> GetChannelAsync() => Task.FromResult(S.ChannelId);

    public async Task<VoiceState?> ModerateAsync(long actorId, long communityId, bool? mute, bool? deaf, bool changeChannel, long? channelId)
    {
        var community = GrainFactory.GetGrain<ICommunityGrain>(communityId);
        await community.GetPermissionsAsync(actorId, null);
        var current = S.ChannelId ?? throw new ChaosException(ErrorCodes.NotFound, "The member is not in a voice channel.");
        if (await GrainFactory.GetGrain<IChannelGrain>(current).GetCommunityIdAsync() != communityId)
        {
            throw new ChaosException(ErrorCodes.NotFound, "The member is not in a voice channel of this community.");
        }

        if (changeChannel && channelId is { } target && target != current)
        {
            // Check the destination before taking the member out of their room.
            var channel = await community.GetChannelAsync(actorId, target);
            if (channel.Type != ChannelType.Voice)
            {
                throw ChaosException.Validation("channelId", "channelId must be a voice channel of this community.");
            }

            var held = await community.GetPermissionsAsync(actorId, target);
            if (!held.HasFlag(P.Administrator) && (held & (P.Connect | P.MoveMembers)) != (P.Connect | P.MoveMembers))
            {
                var name = Permissions.PermissionSets.Names((P.Connect | P.MoveMembers) & ~held)[0];
                throw new ChaosException(ErrorCodes.MissingPermission, $"This needs the {name} permission.", name, null, null);
            }
        }

        VoiceState? result = null;
        try
        {
            if (mute is not null || deaf is not null)
            {
                result = await Room(current).ModerateAsync(actorId, UserId, mute, deaf);
                Remember(communityId, result);
                await state.WriteStateAsync();
            }

            if (changeChannel && channelId != current)
            {
                var removed = await Room(current).RemoveByModeratorAsync(actorId, UserId, channelId)
                    ?? throw new ChaosException(ErrorCodes.NotFound, "The member is not in a voice channel.");
                if (channelId is { } destination)
                {
                    var joined = await Room(destination).JoinAsync(UserId, S.ConnectionId, S.FrontDoorId, S.Relay!, removed.SelfMute, removed.SelfDeaf, removed.Mute, removed.Deaf, actorId);
                    S.ChannelId = destination;
                    await state.WriteStateAsync();
                    result = joined.Participants.First(p => p.UserId == UserId);
                }
                else
                {
                    await ClearAsync();
                    result = removed with { ChannelId = null };
                }
            }
        }
        catch (ChaosException e) when (e.Code == ErrorCodes.NotFound)
        {
            // The room no longer has the member (it failed over and the front door is gone, or they left).
            if (await Room(current).GetParticipantsAsync() is var left && left.All(p => p.UserId != UserId))
            {
                await ClearAsync();
            }

            throw;
        }

        return result ?? (await Room(current).GetParticipantsAsync()).FirstOrDefault(p => p.UserId == UserId);
    }

    private void Remember(long communityId, VoiceState state)
    {
        var flags = (state.Mute ? MuteBit : 0) | (state.Deaf ? DeafBit : 0);
        if (flags == 0)
        {
            S.Moderation.Remove(communityId);
        }
        else
        {
            S.Moderation[communityId] = flags;
        }
    }

    private async Task ClearAsync()
    {
        S.ChannelId = null;
        S.Relay = null;
        await state.WriteStateAsync();
    }

    private IVoiceRoomGrain Room(long channelId) => GrainFactory.GetGrain<IVoiceRoomGrain>(channelId);
}
