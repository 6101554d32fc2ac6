using Chaos.Communities;

namespace Chaos.Voice;

/// <summary>
/// In-memory index of a community's occupied voice rooms (docs/architecture.md#voice). Bounded: at most
/// <see cref="CommunityRules.MaxChannels"/> rooms of <see cref="VoiceRules.MaxParticipants"/> each. A room that stops
/// re-sending (its silo failed and nobody rebuilt it) drops out after <see cref="VoiceRules.IndexExpiry"/>.
/// </summary>
internal sealed class VoiceIndexGrain : Grain, IVoiceIndexGrain
{
    private readonly Dictionary<long, Room> rooms = [];

    public Task SetRoomAsync(long channelId, IReadOnlyList<VoiceState> participants)
    {
        ArgumentNullException.ThrowIfNull(participants);
        if (participants.Count == 0)
        {
            rooms.Remove(channelId);
        }
        else if (rooms.ContainsKey(channelId) || rooms.Count < CommunityRules.MaxChannels)
        {
            rooms[channelId] = new Room([.. participants.Take(VoiceRules.MaxParticipants)], Environment.TickCount64);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<VoiceState>> GetStatesAsync()
    {
        var now = Environment.TickCount64;
        foreach (var stale in rooms.Where(r => now - r.Value.UpdatedAt > VoiceRules.IndexExpiry.TotalMilliseconds).Select(r => r.Key).ToList())
        {
            rooms.Remove(stale);
        }

        return Task.FromResult<IReadOnlyList<VoiceState>>([.. rooms.Values.SelectMany(r => r.Participants)]);
    }

    private sealed record Room(VoiceState[] Participants, long UpdatedAt);
}
