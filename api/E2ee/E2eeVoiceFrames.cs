using Chaos.Voice;

namespace Chaos.Api.E2ee;

/// <summary>
/// The relay's only check on a frame of an end-to-end encrypted voice channel (docs/architecture.md#encrypted-voice-frames):
/// the frame is the Opus TOC byte in the clear followed by ciphertext and the sender's trailer, so the server can verify
/// its size and its TOC byte and nothing else.
/// </summary>
public static class E2eeVoiceFrames
{
    /// <summary>Room for the authentication tag, nonce, unencrypted-range list and magic marker of the trailer.</summary>
    public const int MaxOverheadBytes = 64;

    public const int MaxFrameBytes = VoiceRules.MaxFrameBytes + MaxOverheadBytes;

    /// <summary>A TOC byte and at least one byte after it.</summary>
    public const int MinFrameBytes = 2;

    /// <summary>At most 60 ms per packet, in 48 kHz samples.</summary>
    public const int MaxSamples = 2880;

    /// <summary>Samples per frame at 48 kHz for each TOC config (RFC 6716 table 2).</summary>
    private static readonly short[] FrameSamples =
    [
        480, 960, 1920, 2880, 480, 960, 1920, 2880, 480, 960, 1920, 2880,
        480, 960, 480, 960,
        120, 240, 480, 960, 120, 240, 480, 960, 120, 240, 480, 960, 120, 240, 480, 960,
    ];

    public static bool IsValid(ReadOnlySpan<byte> frame)
    {
        if (frame.Length is < MinFrameBytes or > MaxFrameBytes)
        {
            return false;
        }

        var toc = frame[0];
        var code = toc & 0x3;

        // Code 3 keeps its frame count in the (encrypted) second byte, so its duration cannot be bounded here.
        if (code == 3)
        {
            return false;
        }

        var frames = code == 0 ? 1 : 2;
        return FrameSamples[toc >> 3] * frames <= MaxSamples;
    }
}
