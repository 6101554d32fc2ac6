namespace Chaos.Audio;

/// <summary>
/// The loudness outline clients draw for a voice message (docs/api.md#attachment: at most 256 one-byte samples),
/// computed from what a listener will hear, i.e. from decoded Opus rather than trusted client data.
/// </summary>
public static class Waveform
{
    public const int MaxSamples = 256;

    /// <summary>Waveform of mono PCM already in memory.</summary>
    public static byte[] Compute(ReadOnlySpan<short> pcm, int maxSamples = MaxSamples)
    {
        var builder = new WaveformBuilder();
        builder.Add(pcm);
        return builder.Build(maxSamples);
    }

    /// <summary>Waveform of Opus packets, decoded in order as a mono 48 kHz signal.</summary>
    public static byte[] Compute(IEnumerable<ReadOnlyMemory<byte>> packets, int preSkip = 0, int maxSamples = MaxSamples)
    {
        ArgumentNullException.ThrowIfNull(packets);
        using var decoder = new OpusDecoder(1);
        var builder = new WaveformBuilder();
        var pcm = new short[OpusDecoder.MaxFrameSize];
        var skip = preSkip;
        foreach (var packet in packets)
        {
            AddDecoded(decoder, builder, packet.Span, pcm, ref skip);
        }

        return builder.Build(maxSamples);
    }

    /// <summary>Decodes one packet into <paramref name="builder"/>, dropping the first <paramref name="skip"/> samples.</summary>
    internal static void AddDecoded(OpusDecoder decoder, WaveformBuilder builder, ReadOnlySpan<byte> packet, short[] pcm, ref int skip)
    {
        var samples = decoder.Decode(packet, pcm);
        var drop = Math.Min(skip, samples);
        skip -= drop;
        builder.Add(pcm.AsSpan(drop, samples - drop));
    }
}
