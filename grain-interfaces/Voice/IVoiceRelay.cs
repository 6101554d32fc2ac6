using Orleans.Concurrency;

namespace Chaos.Voice;

/// <summary>
/// One per front door (a grain observer): VoiceRoom grains push frames and state changes to it, and it fans them out to
/// its local connections. One-way, so a slow or dead front door never holds a room up.
/// </summary>
public interface IVoiceRelay : IGrainObserver
{
    /// <summary>A frame of room <paramref name="channelId"/>; <paramref name="epoch"/> and the gapless <paramref name="index"/> let the relay restore the speaker's order.</summary>
    [OneWay]
    Task OnFrameAsync(long channelId, long epoch, long index, VoicePacket packet);

    /// <summary>
    /// The participant on <paramref name="connectionId"/> changed state in room <paramref name="channelId"/> (moderator
    /// mute, deafen, move, disconnect); a null or different <see cref="VoiceState.ChannelId"/> means they left it.
    /// </summary>
    [OneWay]
    Task OnStateAsync(long channelId, VoiceState state, string connectionId);
}
