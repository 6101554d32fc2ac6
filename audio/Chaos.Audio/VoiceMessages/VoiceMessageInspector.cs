namespace Chaos.Audio;

/// <summary>
/// Checks an uploaded Ogg Opus voice message end to end — container, every packet, and that libopus
/// decodes it — and measures it, so the server never stores audio clients cannot play.
/// </summary>
public static class VoiceMessageInspector
{
    /// <exception cref="InvalidAudioException">The upload is not acceptable Ogg Opus.</exception>
    /// <exception cref="AudioLimitExceededException">The upload exceeds <paramref name="limits"/>.</exception>
    public static VoiceMessageInfo InspectOggOpus(Stream input, AudioLimits limits)
    {
        var reader = new OggOpusReader(input, limits);
        using var decoder = new OpusDecoder(1);
        var builder = new WaveformBuilder();
        var pcm = new short[OpusDecoder.MaxFrameSize];
        var skip = reader.Head.PreSkip;
        while (reader.TryReadPacket(out var packet))
        {
            try
            {
                Waveform.AddDecoded(decoder, builder, packet.Span, pcm, ref skip);
            }
            catch (OpusException e)
            {
                throw new InvalidAudioException("Opus packet does not decode.", e);
            }
        }

        return new VoiceMessageInfo(reader.Duration, builder.Build(length: reader.DurationSamples));
    }
}
