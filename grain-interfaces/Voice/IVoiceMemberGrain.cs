namespace Chaos.Voice;

/// <summary>
/// Per user (keyed by user id): which room the user is in, so joining another room leaves the first and moderators can
/// find a member's room. Only this grain calls rooms on the user's behalf; rooms never call it back.
/// </summary>
public interface IVoiceMemberGrain : IGrainWithIntegerKey
{
    Task<VoiceJoined> JoinAsync(long channelId, string connectionId, string frontDoorId, IVoiceRelay relay, bool selfMute, bool selfDeaf);

    Task LeaveAsync(string? connectionId);

    /// <summary>
    /// Takes the user out of voice because they left the community (left, kicked, banned). One-way, so the community
    /// grain that calls it never waits on a member grain that may itself be waiting on the community.
    /// </summary>
    [Orleans.Concurrency.OneWay]
    Task EvictAsync(long communityId);

    /// <summary>The room the user is in according to this grain, or null.</summary>
    Task<long?> GetChannelAsync();

    /// <summary><c>PATCH /communities/{id}/voice-states/{userId}</c> (docs/api.md#voice-routes): mute, deafen, move or disconnect.</summary>
    Task<VoiceState?> ModerateAsync(long actorId, long communityId, bool? mute, bool? deaf, bool changeChannel, long? channelId);
}
