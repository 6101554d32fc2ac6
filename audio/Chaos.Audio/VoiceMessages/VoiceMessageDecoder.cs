using System.Buffers.Binary;

namespace Chaos.Audio;

/// <summary>
/// Decodes a stored Ogg Opus voice message for speech-to-text (docs/architecture.md#voice-message-transcripts): mono
/// 16 kHz 16-bit PCM in a WAV container, the input Whisper models take. Opus is decoded at 48 kHz (Concentus decodes
/// hybrid packets at 16 kHz to silence) and decimated by 3 behind a windowed-sinc low-pass at 7 kHz. The input was
/// checked when it was uploaded, but it is read with the same limits again.
/// </summary>
public static class VoiceMessageDecoder
{
    public const int SpeechRate = 16000;

    private const int Factor = OpusDecoder.SampleRate / SpeechRate;

    private const int Taps = 63;

    private static readonly float[] LowPass = Design();

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
        using var decoder = new OpusDecoder(1);
        var pcm = new short[OpusDecoder.MaxFrameSize];
        var bytes = new byte[(OpusDecoder.MaxFrameSize / Factor + 1) * 2];
        var history = new float[Taps];
        var position = 0;
        long consumed = 0;
        var skip = reader.Head.PreSkip;
        long dataBytes = 0;
        while (reader.TryReadPacket(out var packet))
        {
            int samples;
            try
            {
                samples = decoder.Decode(packet.Span, pcm);
            }
            catch (OpusException e)
            {
                throw new InvalidAudioException("Opus packet does not decode.", e);
            }

            var drop = Math.Min(skip, samples);
            skip -= drop;
            var written = 0;
            for (var i = drop; i < samples; i++)
            {
                history[position] = pcm[i];
                position = (position + 1) % Taps;
                if (++consumed % Factor != 0)
                {
                    continue;
                }

                float sum = 0;
                for (var k = 0; k < Taps; k++)
                {
                    sum += LowPass[k] * history[(position - 1 - k + Taps) % Taps];
                }

                BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(written * 2), (short)Math.Clamp(MathF.Round(sum), short.MinValue, short.MaxValue));
                written++;
            }

            output.Write(bytes, 0, written * 2);
            dataBytes += written * 2;
        }

        var end = output.Position;
        output.Position = start;
        output.Write(Header(checked((int)dataBytes)));
        output.Position = end;
    }

    /// <summary>A Blackman-windowed sinc low-pass at 7 kHz for 48 kHz input, normalised to unity gain at DC.</summary>
    private static float[] Design()
    {
        const double cutoff = 7000.0 / OpusDecoder.SampleRate;
        var h = new double[Taps];
        var middle = (Taps - 1) / 2.0;
        for (var n = 0; n < Taps; n++)
        {
            var x = n - middle;
            var sinc = x == 0 ? 2 * cutoff : Math.Sin(2 * Math.PI * cutoff * x) / (Math.PI * x);
            var window = 0.42 - (0.5 * Math.Cos(2 * Math.PI * n / (Taps - 1))) + (0.08 * Math.Cos(4 * Math.PI * n / (Taps - 1)));
            h[n] = sinc * window;
        }

        var gain = h.Sum();
        return [.. h.Select(v => (float)(v / gain))];
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
