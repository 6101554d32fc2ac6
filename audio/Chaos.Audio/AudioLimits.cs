namespace Chaos.Audio;

/// <summary>
/// Caps enforced while an upload is being read, so hostile input is refused before it costs more
/// than these bounds in I/O or CPU.
/// </summary>
/// <param name="MaxBytes">Bytes that may be read from the input stream.</param>
/// <param name="MaxDuration">Longest audio accepted.</param>
public sealed record AudioLimits(long MaxBytes, TimeSpan MaxDuration)
{
    /// <summary>Voice-message defaults: 10 MiB and 20 minutes.</summary>
    public static AudioLimits VoiceMessage { get; } = new(10 * 1024 * 1024, TimeSpan.FromMinutes(20));

    /// <summary><see cref="MaxDuration"/> as 48 kHz samples, the unit Ogg Opus granule positions use.</summary>
    internal long MaxSamples48k => MaxFrames(48000);

    /// <summary>
    /// <see cref="MaxDuration"/> in frames at <paramref name="sampleRate"/>, saturating instead of
    /// overflowing so "no limit" (TimeSpan.MaxValue) does not turn into a negative bound.
    /// </summary>
    internal long MaxFrames(int sampleRate)
    {
        var frames = MaxDuration.TotalSeconds * sampleRate;
        return frames >= long.MaxValue ? long.MaxValue : (long)Math.Max(0, frames);
    }
}
