namespace Chaos.Audio;

/// <summary>What a voice-message attachment carries besides its bytes (docs/api.md#attachment).</summary>
/// <param name="Duration">Playable length.</param>
/// <param name="Waveform">At most 256 loudness samples, 0–255.</param>
public sealed record VoiceMessageInfo(TimeSpan Duration, byte[] Waveform)
{
    /// <summary>Duration as the API's <c>durationMs</c>, rounded to the nearest millisecond.</summary>
    public long DurationMs => (long)Math.Round(Duration.TotalMilliseconds);
}
