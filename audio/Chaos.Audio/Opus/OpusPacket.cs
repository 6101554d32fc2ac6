using Concentus.Structs;

namespace Chaos.Audio;

/// <summary>
/// Inspection of single Opus packets. <see cref="Validate"/> is our own code because it runs on the voice hot path
/// for every frame: no allocation, no codec call, no decoder state.
/// </summary>
public static class OpusPacket
{
    /// <summary>The largest frame RFC 6716 allows (R2); we also cap whole packets at it.</summary>
    public const int MaxPacketSize = 1275;

    /// <summary>RFC 6716 R5: at most 120 ms per packet, in 48 kHz samples.</summary>
    public const int MaxSamplesPerPacket = 5760;

    /// <summary>Samples per frame at 48 kHz for each TOC config (RFC 6716 table 2).</summary>
    private static readonly short[] FrameSamples =
    [
        480, 960, 1920, 2880, // SILK NB
        480, 960, 1920, 2880, // SILK MB
        480, 960, 1920, 2880, // SILK WB
        480, 960, // Hybrid SWB
        480, 960, // Hybrid FB
        120, 240, 480, 960, // CELT NB
        120, 240, 480, 960, // CELT WB
        120, 240, 480, 960, // CELT SWB
        120, 240, 480, 960, // CELT FB
    ];

    /// <summary>
    /// Checks a packet against the framing rules of RFC 6716 section 3 (codes 0–3, frame lengths,
    /// code 3 frame count and padding, at most 120 ms). It does not prove the payload decodes.
    /// </summary>
    public static OpusPacketValidity Validate(ReadOnlySpan<byte> packet)
    {
        if (packet.IsEmpty)
        {
            return OpusPacketValidity.Empty;
        }

        if (packet.Length > MaxPacketSize)
        {
            return OpusPacketValidity.TooLarge;
        }

        var toc = packet[0];
        var code = toc & 0x3;
        var rest = packet.Length - 1;
        switch (code)
        {
            case 0:
                // One frame filling the rest; the size cap above already enforces R2.
                return OpusPacketValidity.Valid;
            case 1:
                // Two frames of equal size (R3).
                return (rest & 1) == 0 ? OpusPacketValidity.Valid : OpusPacketValidity.InvalidFrameLength;
            case 2:
            {
                // Two frames, the first length-prefixed (R4).
                var consumed = ReadFrameLength(packet[1..], out var first);
                if (consumed == 0)
                {
                    return OpusPacketValidity.Truncated;
                }

                return first <= rest - consumed ? OpusPacketValidity.Valid : OpusPacketValidity.InvalidFrameLength;
            }

            default:
                return ValidateCode3(packet, toc);
        }
    }

    /// <summary>Frame duration in samples at <paramref name="sampleRate"/>, from the TOC byte (the codec's packet helpers).</summary>
    public static int GetSamplesPerFrame(ReadOnlySpan<byte> packet, int sampleRate = 48000)
    {
        RequireToc(packet);
        var data = packet.ToArray();
        return Check(OpusCodec.Run(() => OpusPacketInfo.GetNumSamplesPerFrame(data, sampleRate), "opus_packet_get_samples_per_frame"));
    }

    /// <summary>Number of frames in the packet (the codec's packet helpers).</summary>
    public static int GetNumberOfFrames(ReadOnlySpan<byte> packet)
    {
        RequireToc(packet);
        var data = packet.ToArray();
        return Check(OpusCodec.Run(() => OpusPacketInfo.GetNumFrames(data), "opus_packet_get_nb_frames"));
    }

    /// <summary>Samples per channel the packet decodes to at <paramref name="sampleRate"/> (the codec's packet helpers).</summary>
    public static int GetNumberOfSamples(ReadOnlySpan<byte> packet, int sampleRate = 48000)
    {
        RequireToc(packet);
        var data = packet.ToArray();
        return Check(OpusCodec.Run(() => OpusPacketInfo.GetNumSamples(data, sampleRate), "opus_packet_get_nb_samples"));
    }

    /// <summary>
    /// Samples per channel at 48 kHz for a packet that passed <see cref="Validate"/>, computed without
    /// libopus so parsers can use it per packet cheaply.
    /// </summary>
    internal static int GetDurationSamples(ReadOnlySpan<byte> packet)
    {
        var toc = packet[0];
        var perFrame = FrameSamples[toc >> 3];
        return (toc & 0x3) switch
        {
            0 => perFrame,
            1 or 2 => 2 * perFrame,
            _ => (packet[1] & 0x3F) * perFrame,
        };
    }

    private static OpusPacketValidity ValidateCode3(ReadOnlySpan<byte> packet, byte toc)
    {
        if (packet.Length < 2)
        {
            return OpusPacketValidity.Truncated;
        }

        var countByte = packet[1];
        var frames = countByte & 0x3F;
        var vbr = (countByte & 0x80) != 0;
        var hasPadding = (countByte & 0x40) != 0;
        if (frames == 0)
        {
            return OpusPacketValidity.InvalidFrameCount;
        }

        if (frames * FrameSamples[toc >> 3] > MaxSamplesPerPacket)
        {
            return OpusPacketValidity.DurationTooLong;
        }

        var pos = 2;
        var remaining = packet.Length - 2;
        if (hasPadding)
        {
            // Padding length: each 255 means 254 bytes plus another length byte follows.
            var padding = 0;
            while (true)
            {
                if (pos >= packet.Length)
                {
                    return OpusPacketValidity.Truncated;
                }

                var b = packet[pos++];
                remaining--;
                padding += b == 255 ? 254 : b;
                if (b != 255)
                {
                    break;
                }
            }

            remaining -= padding;
            if (remaining < 0)
            {
                return OpusPacketValidity.InvalidPadding;
            }
        }

        if (!vbr)
        {
            // R6: the payload splits into equal frames.
            return remaining % frames == 0 ? OpusPacketValidity.Valid : OpusPacketValidity.InvalidFrameLength;
        }

        // R7: M-1 explicit lengths, the last frame takes what is left. As in libopus, a length field
        // may not reach into the padding, and every frame must fit in what is left after the fields.
        var fieldsLeft = remaining;
        var lastFrame = remaining;
        for (var i = 0; i < frames - 1; i++)
        {
            var consumed = ReadFrameLength(packet.Slice(pos, fieldsLeft), out var length);
            if (consumed == 0)
            {
                return OpusPacketValidity.Truncated;
            }

            pos += consumed;
            fieldsLeft -= consumed;
            if (length > fieldsLeft)
            {
                return OpusPacketValidity.InvalidFrameLength;
            }

            lastFrame -= consumed + length;
        }

        if (lastFrame < 0)
        {
            return OpusPacketValidity.InvalidFrameLength;
        }

        return OpusPacketValidity.Valid;
    }

    /// <summary>Reads an RFC 6716 3.2.1 frame length; returns bytes consumed, or 0 when cut off.</summary>
    private static int ReadFrameLength(ReadOnlySpan<byte> data, out int length)
    {
        length = 0;
        if (data.IsEmpty)
        {
            return 0;
        }

        var b0 = data[0];
        if (b0 < 252)
        {
            length = b0;
            return 1;
        }

        if (data.Length < 2)
        {
            return 0;
        }

        length = (4 * data[1]) + b0;
        return 2;
    }

    private static void RequireToc(ReadOnlySpan<byte> packet)
    {
        if (packet.IsEmpty)
        {
            throw new ArgumentException("An Opus packet has at least a TOC byte.", nameof(packet));
        }
    }

    private static int Check(int result) => result < 0 ? throw new OpusException(result) : result;
}
