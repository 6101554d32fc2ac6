using Concentus;

namespace Chaos.Audio;

/// <summary>
/// An Opus decoder at 48 kHz: native libopus when the machine has it, Concentus's managed port otherwise
/// (<see cref="OpusCodec"/>). Not thread-safe: the decoder keeps inter-frame state, which is also what makes packet
/// loss concealment possible.
/// </summary>
public sealed class OpusDecoder : IDisposable
{
    public const int SampleRate = 48000;

    /// <summary>The longest a single packet can decode to: 120 ms at 48 kHz, per channel.</summary>
    public const int MaxFrameSize = 5760;

    private readonly IOpusDecoder _decoder;
    private bool _disposed;

    public OpusDecoder(int channels)
    {
        if (channels is not (1 or 2))
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "Opus decoder supports 1 or 2 channels.");
        }

        _decoder = OpusCodec.CreateDecoder(SampleRate, channels);
        Channels = channels;
    }

    /// <summary>Output channels; a stereo stream decodes into a mono decoder by downmixing, and vice versa.</summary>
    public int Channels { get; }

    /// <summary>
    /// Decodes one packet into interleaved <paramref name="pcm"/> and returns samples per channel.
    /// An empty <paramref name="packet"/> means "this packet was lost": the decoder then synthesises
    /// <c>pcm.Length / Channels</c> samples of concealment, which must be a multiple of 2.5 ms.
    /// </summary>
    public int Decode(ReadOnlySpan<byte> packet, Span<short> pcm)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var frameSize = pcm.Length / Channels;
        if (frameSize == 0)
        {
            throw new ArgumentException("PCM buffer holds no whole frame.", nameof(pcm));
        }

        int samples;
        try
        {
            samples = _decoder.Decode(packet, pcm, frameSize, false);
        }
        catch (Exception e) when (OpusCodec.Translate(e, "opus_decode") is { } failure)
        {
            throw failure;
        }

        return samples < 0 ? throw new OpusException(samples, "opus_decode") : samples;
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            (_decoder as IDisposable)?.Dispose();
        }
    }
}
