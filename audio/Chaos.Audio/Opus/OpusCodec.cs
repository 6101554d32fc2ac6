using Concentus;
using Concentus.Structs;

namespace Chaos.Audio;

/// <summary>
/// Where Chaos.Audio meets Concentus: its factory uses the machine's native libopus when it can load one and its managed
/// port of libopus otherwise, so Opus works on a machine without libopus0 (docs/operations.md). Also libopus's error
/// codes and texts, kept here so a failure reads the same whichever implementation ran.
/// </summary>
internal static class OpusCodec
{
    public const int Ok = 0;
    public const int BadArg = -1;
    public const int BufferTooSmall = -2;
    public const int InvalidPacket = -4;

    public static IOpusEncoder CreateEncoder(int sampleRate, int channels, OpusApplication application) =>
        Run(() => OpusCodecFactory.CreateEncoder(sampleRate, channels, (Concentus.Enums.OpusApplication)(int)application), "opus_encoder_create");

    public static IOpusDecoder CreateDecoder(int sampleRate, int channels) =>
        Run(() => OpusCodecFactory.CreateDecoder(sampleRate, channels), "opus_decoder_create");

    /// <summary>Runs a codec call, turning the codec's own failures into an <see cref="OpusException"/> with libopus's code.</summary>
    public static T Run<T>(Func<T> call, string operation)
    {
        try
        {
            return call();
        }
        catch (Exception e) when (Translate(e, operation) is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>
    /// A codec failure as an <see cref="OpusException"/> with libopus's code, or null for anything else. The managed port
    /// can overflow or run off the end of a hostile packet where libopus answers OPUS_INVALID_PACKET.
    /// </summary>
    public static OpusException? Translate(Exception exception, string operation) => exception switch
    {
        Concentus.OpusException e => new OpusException(e.OpusErrorCode < 0 ? e.OpusErrorCode : BadArg, operation, e),
        ArgumentException => new OpusException(BadArg, operation, exception),
        OverflowException or IndexOutOfRangeException => new OpusException(InvalidPacket, operation, exception),
        _ => null,
    };

    /// <summary>The reference framing check (libopus's <c>opus_packet_parse</c>, as ported): the frame count, or a negative error.</summary>
    public static int ParsePacket(ReadOnlySpan<byte> packet)
    {
        try
        {
            return OpusPacketInfo.ParseOpusPacket(packet).Frames.Count;
        }
        catch (Exception e) when (Translate(e, "opus_packet_parse") is { } failure)
        {
            // E.g. the port's arithmetic overflows on a code 3 TOC without its count byte.
            return failure.ErrorCode == BadArg ? InvalidPacket : failure.ErrorCode;
        }
    }

    /// <summary>libopus's <c>opus_strerror</c> texts.</summary>
    public static string ErrorString(int error) => error switch
    {
        0 => "success",
        -1 => "invalid argument",
        -2 => "buffer too small",
        -3 => "internal error",
        -4 => "corrupted stream",
        -5 => "request not implemented",
        -6 => "invalid state",
        -7 => "memory allocation failed",
        _ => "unknown error",
    };
}
