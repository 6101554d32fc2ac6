using System.Buffers.Binary;

namespace Chaos.Audio;

/// <summary>
/// Decodes a stored Ogg Opus voice message for speech-to-text (docs/architecture.md#voice-message-transcripts): mono
/// 16 kHz 16-bit PCM in a WAV container, the input Whisper models take. Opus decodes straight to 16 kHz, so no
/// resampler is involved. The input was checked when it was uploaded, but it is read with the same limits again.
/// </summary>
public static class VoiceMessageDecoder
{
    public const int SpeechRate = 16000;

    /// <summary>Writes the voice message as a 16 kHz mono WAV to <paramref name="output"/> (which must be seekable).</summary>
    /// <exception cref="InvalidAudioException">The input is not acceptable Ogg Opus.</exception>
    /// <exception cref="AudioLimitExceededException">The input exceeds <paramref name="limits"/>.</exception>
    public static void DecodeToSpeechWav(Stream input, AudioLimits limits, Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!output.CanSeek)
        {
            throw new ArgumentException("The WAV output must be seekable (its header is written last).", nameof(output));
        }

        var start = output.Position;
        output.Write(new byte[44]);
        var reader = new OggOpusReader(input, limits);
        using var decoder = new OpusDecoder(1, SpeechRate);
        var pcm = new short[OpusDecoder.MaxFrameSize];
        var bytes = new byte[pcm.Length * 2];
        // Pre-skip counts 48 kHz samples.
        var skip = reader.Head.PreSkip * SpeechRate / OpusDecoder.SampleRate;
        long dataBytes = 0;
        while (reader.TryReadPacket(out var packet))
        {
            int samples;
            try
            {
                samples = decoder.Decode(packet.Span, pcm.AsSpan(0, SpeechRate * 120 / 1000));
            }
            catch (OpusException e)
            {
                throw new InvalidAudioException("Opus packet does not decode.", e);
            }

            var drop = Math.Min(skip, samples);
            skip -= drop;
            var count = samples - drop;
            for (var i = 0; i < count; i++)
            {
                BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(i * 2), pcm[drop + i]);
            }

            output.Write(bytes, 0, count * 2);
            dataBytes += count * 2;
        }

        var end = output.Position;
        output.Position = start;
        output.Write(Header(checked((int)dataBytes)));
        output.Position = end;
    }

    private static byte[] Header(int dataBytes)
    {
        var header = new byte[44];
        var span = header.AsSpan();
        "RIFF"u8.CopyTo(span);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], 36 + dataBytes);
        "WAVEfmt "u8.CopyTo(span[8..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[16..], 16);
        BinaryPrimitives.WriteInt16LittleEndian(span[20..], 1);
        BinaryPrimitives.WriteInt16LittleEndian(span[22..], 1);
        BinaryPrimitives.WriteInt32LittleEndian(span[24..], SpeechRate);
        BinaryPrimitives.WriteInt32LittleEndian(span[28..], SpeechRate * 2);
        BinaryPrimitives.WriteInt16LittleEndian(span[32..], 2);
        BinaryPrimitives.WriteInt16LittleEndian(span[34..], 16);
        "data"u8.CopyTo(span[36..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[40..], dataBytes);
        return header;
    }
}
