namespace Chaos.Audio;

/// <summary>
/// A libopus decoder at 48 kHz. Not thread-safe: libopus keeps inter-frame state, which is also what
/// makes packet loss concealment possible.
/// </summary>
public sealed class OpusDecoder : IDisposable
{
    public const int SampleRate = 48000;

    /// <summary>The longest a single packet can decode to: 120 ms at 48 kHz, per channel.</summary>
    public const int MaxFrameSize = 5760;

    private readonly OpusDecoderHandle _handle;

    public OpusDecoder(int channels)
    {
        if (channels is not (1 or 2))
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "Opus decoder supports 1 or 2 channels.");
        }

        _handle = OpusNative.opus_decoder_create(SampleRate, channels, out var error);
        if (error != OpusNative.Ok || _handle.IsInvalid)
        {
            _handle.Dispose();
            throw new OpusException(error, "opus_decoder_create");
        }

        Channels = channels;
    }

    /// <summary>Output channels; a stereo stream decodes into a mono decoder by downmixing, and vice versa.</summary>
    public int Channels { get; }

    /// <summary>
    /// Decodes one packet into interleaved <paramref name="pcm"/> and returns samples per channel.
    /// An empty <paramref name="packet"/> means "this packet was lost": libopus then synthesises
    /// <c>pcm.Length / Channels</c> samples of concealment, which must be a multiple of 2.5 ms.
    /// </summary>
    public unsafe int Decode(ReadOnlySpan<byte> packet, Span<short> pcm)
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        var frameSize = pcm.Length / Channels;
        if (frameSize == 0)
        {
            throw new ArgumentException("PCM buffer holds no whole frame.", nameof(pcm));
        }

        int samples;
        fixed (byte* packetPtr = packet)
        fixed (short* pcmPtr = pcm)
        {
            samples = OpusNative.opus_decode(_handle, packet.IsEmpty ? null : packetPtr, packet.Length, pcmPtr, frameSize, 0);
        }

        return samples < 0 ? throw new OpusException(samples, "opus_decode") : samples;
    }

    public void Dispose() => _handle.Dispose();
}
