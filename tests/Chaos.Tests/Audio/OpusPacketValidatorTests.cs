using Chaos.Audio;

namespace Chaos.Tests.Audio;

public sealed class OpusPacketValidatorTests
{
    /// <summary>TOC for CELT fullband 20 ms (config 31), mono, with the given framing code.</summary>
    private static byte Toc(int code, int config = 31) => (byte)((config << 3) | code);

    [Theory]
    [InlineData(120, OpusApplication.Audio)]
    [InlineData(240, OpusApplication.Audio)]
    [InlineData(480, OpusApplication.Voip)]
    [InlineData(960, OpusApplication.Voip)]
    [InlineData(1920, OpusApplication.Voip)]
    [InlineData(2880, OpusApplication.Voip)]
    [InlineData(1920, OpusApplication.Audio)]
    [InlineData(2880, OpusApplication.Audio)]
    public void EncoderOutput_IsValid(int frameSize, OpusApplication application)
    {
        using var encoder = new OpusEncoder(1, application) { Bitrate = 48000 };
        var packet = new byte[OpusEncoder.MaxPacketSize];
        var pcm = AudioFixtures.Sine(48000, 0.2);
        for (var offset = 0; offset + frameSize <= pcm.Length; offset += frameSize)
        {
            var length = encoder.Encode(pcm.AsSpan(offset, frameSize), packet);
            OpusPacket.Validate(packet.AsSpan(0, length)).ShouldBe(OpusPacketValidity.Valid);
            OpusCodec.ParsePacket(packet.AsSpan(0, length)).ShouldBeGreaterThan(0);
        }
    }

    public static TheoryData<string, byte[], OpusPacketValidity> Cases() => new()
    {
        { "empty", [], OpusPacketValidity.Empty },
        { "toc only, code 0 (DTX frame)", [Toc(0)], OpusPacketValidity.Valid },
        { "code 0, 1275 bytes", [Toc(0), .. new byte[1274]], OpusPacketValidity.Valid },
        { "code 0, 1276 bytes", [Toc(0), .. new byte[1275]], OpusPacketValidity.TooLarge },
        { "code 3, 2000 bytes", [Toc(3), 0x02, .. new byte[1998]], OpusPacketValidity.TooLarge },
        { "code 1, two equal frames", [Toc(1), 1, 2, 3, 4], OpusPacketValidity.Valid },
        { "code 1, no payload (two DTX frames)", [Toc(1)], OpusPacketValidity.Valid },
        { "code 1, odd payload", [Toc(1), 1, 2, 3], OpusPacketValidity.InvalidFrameLength },
        { "code 2, one-byte length", [Toc(2), 2, 9, 9, 8], OpusPacketValidity.Valid },
        { "code 2, first frame fills all", [Toc(2), 2, 9, 9], OpusPacketValidity.Valid },
        { "code 2, two-byte length", [Toc(2), 252, 1, .. new byte[256]], OpusPacketValidity.Valid },
        { "code 2, missing length", [Toc(2)], OpusPacketValidity.Truncated },
        { "code 2, two-byte length cut off", [Toc(2), 253], OpusPacketValidity.Truncated },
        { "code 2, length beyond packet", [Toc(2), 5, 1, 2], OpusPacketValidity.InvalidFrameLength },
        { "code 3, missing count", [Toc(3)], OpusPacketValidity.Truncated },
        { "code 3, zero frames", [Toc(3), 0x00], OpusPacketValidity.InvalidFrameCount },
        { "code 3, CBR 3 frames", [Toc(3), 0x03, 1, 2, 3], OpusPacketValidity.Valid },
        { "code 3, CBR uneven split", [Toc(3), 0x03, 1, 2, 3, 4], OpusPacketValidity.InvalidFrameLength },
        { "code 3, 6 x 20 ms = 120 ms", [Toc(3), 0x06], OpusPacketValidity.Valid },
        { "code 3, 7 x 20 ms = 140 ms", [Toc(3), 0x07], OpusPacketValidity.DurationTooLong },
        { "code 3, 48 x 2.5 ms", [Toc(3, 16), 48], OpusPacketValidity.Valid },
        { "code 3, 49 x 2.5 ms", [Toc(3, 16), 49], OpusPacketValidity.DurationTooLong },
        { "code 3, 63 frames", [Toc(3), 0x3F], OpusPacketValidity.DurationTooLong },
        { "code 3, 3 x 60 ms SILK", [Toc(3, 3), 0x03], OpusPacketValidity.DurationTooLong },
        { "code 3, CBR with padding", [Toc(3), 0x42, 3, 7, 7, 0, 0, 0], OpusPacketValidity.Valid },
        { "code 3, padding 255 chain", [Toc(3), 0x41, 255, 1, .. new byte[255]], OpusPacketValidity.Valid },
        { "code 3, padding longer than packet", [Toc(3), 0x41, 10, 1, 2], OpusPacketValidity.InvalidPadding },
        { "code 3, padding length cut off", [Toc(3), 0x41], OpusPacketValidity.Truncated },
        { "code 3, padding 255 chain cut off", [Toc(3), 0x41, 255], OpusPacketValidity.Truncated },
        { "code 3, VBR 3 frames", [Toc(3), 0x83, 1, 2, 7, 8, 8, 9], OpusPacketValidity.Valid },
        { "code 3, VBR lengths exceed packet", [Toc(3), 0x83, 3, 3, 7, 8, 8], OpusPacketValidity.InvalidFrameLength },
        { "code 3, VBR one length beyond packet", [Toc(3), 0x82, 9, 1, 2], OpusPacketValidity.InvalidFrameLength },
        { "code 3, VBR lengths cut off", [Toc(3), 0x83, 0], OpusPacketValidity.Truncated },
        { "code 3, VBR with padding", [Toc(3), 0xC2, 2, 1, 5, 6, 0, 0], OpusPacketValidity.Valid },
        { "code 3, VBR length reaching into padding", [Toc(3), 0xC2, 2, 252, 0, 0], OpusPacketValidity.Truncated },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Validate_FollowsRfc6716FramingRules(string name, byte[] packet, OpusPacketValidity expected)
    {
        OpusPacket.Validate(packet).ShouldBe(expected, name);

        // The reference parser (libopus's opus_packet_parse, as Concentus ports it) must agree on valid versus invalid (it has no size cap on code 3).
        if (packet.Length is > 0 and <= OpusPacket.MaxPacketSize)
        {
            (OpusCodec.ParsePacket(packet) > 0).ShouldBe(expected == OpusPacketValidity.Valid, name);
        }
    }

    [Fact]
    public void Validate_AgreesWithLibopusOnRandomPackets()
    {
        var random = new Random(6716);
        var buffer = new byte[400];
        for (var i = 0; i < 200_000; i++)
        {
            var length = random.Next(1, i % 10 == 0 ? buffer.Length : 12);
            var packet = buffer.AsSpan(0, length);
            random.NextBytes(packet);
            if (i % 2 == 0)
            {
                // Bias towards code 3, the intricate case, with small frame counts.
                packet[0] |= 0x03;
                if (length > 1)
                {
                    packet[1] = (byte)((packet[1] & 0xC0) | random.Next(0, 8));
                }
            }

            var ours = OpusPacket.Validate(packet) == OpusPacketValidity.Valid;
            var theirs = OpusCodec.ParsePacket(packet) > 0;
            ours.ShouldBe(theirs, Convert.ToHexString(packet));
        }
    }

    [Fact]
    public void Validate_DoesNotAllocate()
    {
        byte[] packet = [Toc(3), 0xC2, 2, 1, 5, 6, 0, 0];
        OpusPacket.Validate(packet);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 10_000; i++)
        {
            OpusPacket.Validate(packet);
        }

        (GC.GetAllocatedBytesForCurrentThread() - before).ShouldBe(0);
    }
}
