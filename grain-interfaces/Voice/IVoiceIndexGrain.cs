using Orleans.Concurrency;

namespace Chaos.Voice;

/// <summary>
/// The occupied voice rooms of one community (keyed by community id), kept by the rooms themselves, so a connecting
/// client's <c>Ready</c> reads one grain per community instead of waking one room per voice channel
/// (docs/architecture.md#voice). In memory only; rooms re-send their snapshot every <see cref="VoiceRules.IndexRefresh"/>.
/// </summary>
public interface IVoiceIndexGrain : IGrainWithIntegerKey
{
    /// <summary>Replaces the room's participants (an empty list removes the room). Voice states carry <c>speaking: false</c>.</summary>
    Task SetRoomAsync(long channelId, IReadOnlyList<VoiceState> participants);

    /// <summary>Every participant of every occupied room; the caller filters to the channels the user may view.</summary>
    [AlwaysInterleave]
    Task<IReadOnlyList<VoiceState>> GetStatesAsync();
}
