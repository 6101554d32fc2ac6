using Concentus;

namespace Chaos.Audio;

/// <summary>
/// An Opus encoder at 48 kHz: native libopus when the machine has it, Concentus's managed port otherwise
/// (<see cref="OpusCodec"/>). Not thread-safe: one instance per stream, as the encoder keeps inter-frame state.
/// </summary>
public sealed class OpusEncoder : IDisposable
{
    /// <summary>The only rate we encode at: Opus is 48 kHz internally and the voice codec is fixed to it.</summary>
    public const int SampleRate = 48000;

    /// <summary>libopus's recommended output buffer size; no single packet can exceed it.</summary>
    public const int MaxPacketSize = 4000;

    private readonly IOpusEncoder _encoder;
    private bool _disposed;

    public OpusEncoder(int channels, OpusApplication application)
    {
        if (channels is not (1 or 2))
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "Opus encoder supports 1 or 2 channels.");
        }

        if (!Enum.IsDefined(application))
        {
            throw new ArgumentOutOfRangeException(nameof(application), application, "Unknown Opus application.");
        }

        _encoder = OpusCodec.CreateEncoder(SampleRate, channels, application);
        Channels = channels;
        Application = application;
    }

    public int Channels { get; }

    public OpusApplication Application { get; }

    /// <summary>Target bitrate in bits per second (Opus accepts 500–512000).</summary>
    public int Bitrate
    {
        get
        {
            ThrowIfDisposed();
            return OpusCodec.Run(() => _encoder.Bitrate, "OPUS_GET_BITRATE");
        }

        set
        {
            ThrowIfDisposed();
            OpusCodec.Run(() => _encoder.Bitrate = value, "OPUS_SET_BITRATE");
        }
    }

    /// <summary>CPU/quality trade-off, 0–10.</summary>
    public int Complexity
    {
        get
        {
            ThrowIfDisposed();
            return OpusCodec.Run(() => _encoder.Complexity, "OPUS_GET_COMPLEXITY");
        }

        set
        {
            ThrowIfDisposed();
            OpusCodec.Run(() => _encoder.Complexity = value, "OPUS_SET_COMPLEXITY");
        }
    }

    /// <summary>
    /// Samples (per channel, at 48 kHz) the encoder delays its output by; an Ogg Opus stream stores it as
    /// pre-skip so players can drop them.
    /// </summary>
    public int Lookahead
    {
        get
        {
            ThrowIfDisposed();
            return OpusCodec.Run(() => _encoder.Lookahead, "OPUS_GET_LOOKAHEAD");
        }
    }

    /// <summary>
    /// Encodes one frame. <paramref name="pcm"/> holds interleaved samples for exactly 2.5, 5, 10, 20,
    /// 40 or 60 ms; returns the number of bytes written to <paramref name="packet"/>.
    /// </summary>
    public int Encode(ReadOnlySpan<short> pcm, Span<byte> packet)
    {
        ThrowIfDisposed();
        if (pcm.Length % Channels != 0)
        {
            throw new ArgumentException("PCM length must be a whole number of frames.", nameof(pcm));
        }

        if (packet.IsEmpty)
        {
            throw new ArgumentException("Packet buffer is empty.", nameof(packet));
        }

        var frameSize = pcm.Length / Channels;
        if (!IsFrameSize(frameSize))
        {
            // libopus's answer to a duration it cannot encode; checked here so both implementations agree.
            throw new OpusException(OpusCodec.BadArg, "opus_encode");
        }

        int written;
        try
        {
            written = _encoder.Encode(pcm, frameSize, packet, packet.Length);
        }
        catch (Exception e) when (OpusCodec.Translate(e, "opus_encode") is { } failure)
        {
            throw failure;
        }

        return written < 0 ? throw new OpusException(written, "opus_encode") : written;
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            (_encoder as IDisposable)?.Dispose();
        }
    }

    /// <summary>2.5, 5, 10, 20, 40 or 60 ms at 48 kHz.</summary>
    private static bool IsFrameSize(int samples) => samples is 120 or 240 or 480 or 960 or 1920 or 2880;

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
