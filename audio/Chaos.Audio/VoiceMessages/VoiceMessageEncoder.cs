namespace Chaos.Audio;

/// <summary>
/// Turns a WAV upload into the one format voice messages are stored in (Ogg Opus, 48 kHz mono), so
/// every client plays voice messages with the Opus decoder it already has for live voice.
/// </summary>
public static class VoiceMessageEncoder
{
    /// <summary>Speech at 32 kb/s is transparent enough for a message and keeps a minute under 250 KB.</summary>
    public const int Bitrate = 32000;

    private const int FrameSize = 960;

    /// <summary>Encodes <paramref name="wav"/> to <paramref name="output"/> and returns the audio's duration.</summary>
    /// <exception cref="InvalidAudioException">The upload is not an acceptable WAV file.</exception>
    /// <exception cref="AudioLimitExceededException">The upload exceeds <paramref name="limits"/>.</exception>
    public static TimeSpan EncodeWavToOggOpus(Stream wav, Stream output, AudioLimits limits)
    {
        ArgumentNullException.ThrowIfNull(output);
        var reader = new WavReader(wav, limits);
        var resampler = new Resampler(reader.SampleRate, reader.Channels);
        using var encoder = new OpusEncoder(1, OpusApplication.Voip) { Bitrate = Bitrate };
        var preSkip = encoder.Lookahead;
        var writer = new OggOpusWriter(output, 1, preSkip, reader.SampleRate);

        var input = new short[4096 * reader.Channels];
        var resampled = new short[resampler.GetMaxOutputLength(4096)];
        var frame = new short[FrameSize];
        var packet = new byte[OpusEncoder.MaxPacketSize];
        var filled = 0;
        long total = 0;
        long encoded = 0;

        int read;
        while ((read = reader.Read(input)) > 0)
        {
            Feed(resampled.AsSpan(0, resampler.Process(input.AsSpan(0, read), resampled)));
        }

        Feed(resampled.AsSpan(0, resampler.Flush(resampled)));

        // Flush the encoder's lookahead: keep feeding silence until the decoder will have produced every
        // real sample after dropping pre-skip; the final granule position then trims the excess.
        while (filled > 0 || encoded < preSkip + total)
        {
            frame.AsSpan(filled).Clear();
            EncodeFrame();
        }

        writer.Complete(total);
        return TimeSpan.FromTicks(total * TimeSpan.TicksPerSecond / Resampler.OutputRate);

        void Feed(ReadOnlySpan<short> pending)
        {
            total += pending.Length;
            while (!pending.IsEmpty)
            {
                var take = Math.Min(FrameSize - filled, pending.Length);
                pending[..take].CopyTo(frame.AsSpan(filled));
                filled += take;
                pending = pending[take..];
                if (filled == FrameSize)
                {
                    EncodeFrame();
                }
            }
        }

        void EncodeFrame()
        {
            var length = encoder.Encode(frame, packet);
            writer.WritePacket(packet.AsSpan(0, length));
            encoded += FrameSize;
            filled = 0;
        }
    }
}
