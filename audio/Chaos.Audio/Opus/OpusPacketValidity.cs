namespace Chaos.Audio;

/// <summary>
/// Why <see cref="OpusPacket.Validate"/> accepted or refused a packet; distinct values let the voice
/// front door count rejections by cause.
/// </summary>
public enum OpusPacketValidity
{
    Valid,

    /// <summary>No TOC byte (RFC 6716 R1). Note: an empty packet means "lost" to a decoder, never "data".</summary>
    Empty,

    /// <summary>Longer than 1275 bytes, the largest a single frame can be; live voice never needs more.</summary>
    TooLarge,

    /// <summary>A length field or frame-count byte is cut off by the end of the packet.</summary>
    Truncated,

    /// <summary>Frame lengths do not add up to the packet (R2, R3, R4, R6, R7).</summary>
    InvalidFrameLength,

    /// <summary>A code 3 packet declares zero frames (R5).</summary>
    InvalidFrameCount,

    /// <summary>A code 3 packet holds more than 120 ms of audio (R5).</summary>
    DurationTooLong,

    /// <summary>The declared padding is longer than what is left of the packet.</summary>
    InvalidPadding,
}
