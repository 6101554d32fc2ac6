using System.Runtime.InteropServices;

namespace Chaos.Audio;

/// <summary>
/// The libopus entry points. Debian's libopus0 ships only the versioned soname, so the library is named
/// explicitly (ENVIRONMENT.md). The ctl functions are C varargs; on the x64 and arm64 Linux ABIs an
/// int or pointer argument is passed exactly as a fixed parameter, which is why fixed overloads work.
/// </summary>
internal static partial class OpusNative
{
    private const string Library = "libopus.so.0";

    public const int Ok = 0;
    public const int BadArg = -1;
    public const int BufferTooSmall = -2;
    public const int InvalidPacket = -4;

    public const int SetBitrateRequest = 4002;
    public const int GetBitrateRequest = 4003;
    public const int SetComplexityRequest = 4010;
    public const int GetComplexityRequest = 4011;
    public const int GetLookaheadRequest = 4027;

    [LibraryImport(Library)]
    public static partial OpusEncoderHandle opus_encoder_create(int fs, int channels, int application, out int error);

    [LibraryImport(Library)]
    public static partial void opus_encoder_destroy(IntPtr encoder);

    [LibraryImport(Library)]
    public static unsafe partial int opus_encode(OpusEncoderHandle encoder, short* pcm, int frameSize, byte* data, int maxDataBytes);

    [LibraryImport(Library, EntryPoint = "opus_encoder_ctl")]
    public static partial int opus_encoder_ctl_set(OpusEncoderHandle encoder, int request, int value);

    [LibraryImport(Library, EntryPoint = "opus_encoder_ctl")]
    public static partial int opus_encoder_ctl_get(OpusEncoderHandle encoder, int request, out int value);

    [LibraryImport(Library)]
    public static partial OpusDecoderHandle opus_decoder_create(int fs, int channels, out int error);

    [LibraryImport(Library)]
    public static partial void opus_decoder_destroy(IntPtr decoder);

    [LibraryImport(Library)]
    public static unsafe partial int opus_decode(OpusDecoderHandle decoder, byte* data, int length, short* pcm, int frameSize, int decodeFec);

    [LibraryImport(Library)]
    public static partial IntPtr opus_strerror(int error);

    [LibraryImport(Library)]
    public static unsafe partial int opus_packet_get_samples_per_frame(byte* data, int fs);

    [LibraryImport(Library)]
    public static unsafe partial int opus_packet_get_nb_frames(byte* packet, int length);

    [LibraryImport(Library)]
    public static unsafe partial int opus_packet_get_nb_samples(byte* packet, int length, int fs);

    /// <summary>Used by tests to cross-check the managed validator against the reference parser.</summary>
    [LibraryImport(Library)]
    public static unsafe partial int opus_packet_parse(byte* data, int length, byte* toc, IntPtr* frames, short* size, int* payloadOffset);

    /// <summary>libopus's own framing check: the frame count, or a negative error for a malformed packet.</summary>
    public static unsafe int ParsePacket(ReadOnlySpan<byte> packet)
    {
        byte toc;
        var frames = stackalloc IntPtr[48];
        var sizes = stackalloc short[48];
        int offset;
        fixed (byte* p = packet)
        {
            return opus_packet_parse(p, packet.Length, &toc, frames, sizes, &offset);
        }
    }

    public static string ErrorString(int error) =>
        Marshal.PtrToStringUTF8(opus_strerror(error)) ?? $"opus error {error}";
}
