namespace Chaos.Audio;

/// <summary>
/// A libopus encoder at 48 kHz. Not thread-safe: one instance per stream, as libopus keeps
/// inter-frame state.
/// </summary>
public sealed class OpusEncoder : IDisposable
{
    /// <summary>The only rate we encode at: Opus is 48 kHz internally and the voice codec is fixed to it.</summary>
    public const int SampleRate = 48000;

    /// <summary>libopus's recommended output buffer size; no single packet can exceed it.</summary>
    public const int MaxPacketSize = 4000;

    private readonly OpusEncoderHandle _handle;

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

        _handle = OpusNative.opus_encoder_create(SampleRate, channels, (int)application, out var error);
        if (error != OpusNative.Ok || _handle.IsInvalid)
        {
            _handle.Dispose();
            throw new OpusException(error, "opus_encoder_create");
        }

        Channels = channels;
        Application = application;
    }

    public int Channels { get; }

    public OpusApplication Application { get; }

    /// <summary>Target bitrate in bits per second (libopus accepts 500–512000).</summary>
    public int Bitrate
    {
        get
        {
            ThrowIfDisposed();
            Check(OpusNative.opus_encoder_ctl_get(_handle, OpusNative.GetBitrateRequest, out var value), "OPUS_GET_BITRATE");
            return value;
        }

        set
        {
            ThrowIfDisposed();
            Check(OpusNative.opus_encoder_ctl_set(_handle, OpusNative.SetBitrateRequest, value), "OPUS_SET_BITRATE");
        }
    }

    /// <summary>CPU/quality trade-off, 0–10.</summary>
    public int Complexity
    {
        get
        {
            ThrowIfDisposed();
            Check(OpusNative.opus_encoder_ctl_get(_handle, OpusNative.GetComplexityRequest, out var value), "OPUS_GET_COMPLEXITY");
            return value;
        }

        set
        {
            ThrowIfDisposed();
            Check(OpusNative.opus_encoder_ctl_set(_handle, OpusNative.SetComplexityRequest, value), "OPUS_SET_COMPLEXITY");
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
            Check(OpusNative.opus_encoder_ctl_get(_handle, OpusNative.GetLookaheadRequest, out var value), "OPUS_GET_LOOKAHEAD");
            return value;
        }
    }

    /// <summary>
    /// Encodes one frame. <paramref name="pcm"/> holds interleaved samples for exactly 2.5, 5, 10, 20,
    /// 40 or 60 ms; returns the number of bytes written to <paramref name="packet"/>.
    /// </summary>
    public unsafe int Encode(ReadOnlySpan<short> pcm, Span<byte> packet)
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
        int written;
        fixed (short* pcmPtr = pcm)
        fixed (byte* packetPtr = packet)
        {
            written = OpusNative.opus_encode(_handle, pcmPtr, frameSize, packetPtr, packet.Length);
        }

        return Check(written, "opus_encode");
    }

    public void Dispose() => _handle.Dispose();

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_handle.IsClosed, this);

    private static int Check(int result, string operation) =>
        result < 0 ? throw new OpusException(result, operation) : result;
}
