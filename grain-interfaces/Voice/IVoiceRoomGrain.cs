using Orleans.Concurrency;

namespace Chaos.Voice;

/// <summary>
/// A voice room, keyed by voice channel id: participants, voice states and the relays of the front doors they are on,
/// all in memory (bounded by <see cref="VoiceRules.MaxParticipants"/>). After a failover the front doors rebuild it by
/// re-registering (<see cref="RefreshRelayAsync"/>).
/// </summary>
public interface IVoiceRoomGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Joins (needs ViewChannel and Connect); <paramref name="movedBy"/> is the moderator when it is a move, and a move
    /// carries the server mute and deafen of the room the member came from (<paramref name="serverMute"/>, <paramref name="serverDeaf"/>).
    /// </summary>
    Task<VoiceJoined> JoinAsync(long userId, string connectionId, string frontDoorId, IVoiceRelay relay, bool selfMute, bool selfDeaf, bool serverMute, bool serverDeaf, long? movedBy);

    /// <summary>Leaves when <paramref name="connectionId"/> (null: any) holds the user's place; publishes the departure.</summary>
    Task<bool> LeaveAsync(long userId, string? connectionId);

    Task<VoiceState> SetSelfStateAsync(long userId, bool selfMute, bool selfDeaf);

    /// <summary>Moderator mute/deafen (MuteMembers / DeafenMembers in this channel, and the role hierarchy).</summary>
    Task<VoiceState> ModerateAsync(long actorId, long userId, bool? mute, bool? deaf);

    /// <summary>Removes a participant for a move or a disconnect by a moderator (MoveMembers); returns their state or null.</summary>
    Task<VoiceState?> RemoveByModeratorAsync(long actorId, long userId, long? toChannelId);

    Task<IReadOnlyList<VoiceState>> GetStatesAsync(long userId);

    /// <summary>The participants, without a permission check (front doors filling <c>Ready</c> for channels the user sees).</summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<VoiceState>> GetParticipantsAsync();

    /// <summary>Re-registers a front door's relay and the participants it holds in this room.</summary>
    Task RefreshRelayAsync(string frontDoorId, IVoiceRelay relay, IReadOnlyList<VoiceParticipant> participants);

    /// <summary>
    /// The media hot path: relays one frame to every front door with listeners. The front door numbers the frames of a
    /// connection without gaps (<paramref name="index"/> within <paramref name="epoch"/>) so the room can restore their order.
    /// </summary>
    [OneWay]
    Task ForwardAsync(long epoch, long index, VoicePacket packet);
}
