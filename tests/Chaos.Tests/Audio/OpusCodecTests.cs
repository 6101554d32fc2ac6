using Chaos.Audio;

namespace Chaos.Tests.Audio;

public sealed class OpusCodecTests
{
    [Fact]
    public void ManagedCodec_WithoutNativeLibopus_EncodesAndDecodes()
    {
        // What a machine without libopus0 runs: Concentus's managed port (the flag only stops the native probe).
        var probed = Concentus.OpusCodecFactory.AttemptToUseNativeLibrary;
        Concentus.OpusCodecFactory.AttemptToUseNativeLibrary = false;
        try
        {
            using var encoder = new OpusEncoder(1, OpusApplication.Voip) { Bitrate = 32000 };
            using var decoder = new OpusDecoder(1);
            var packet = new byte[OpusEncoder.MaxPacketSize];
            var pcm = AudioFixtures.Sine(48000, 0.02);
            var length = encoder.Encode(pcm.AsSpan(0, 960), packet);
            length.ShouldBeGreaterThan(0);
            decoder.Decode(packet.AsSpan(0, length), new short[OpusDecoder.MaxFrameSize]).ShouldBe(960);
            Should.Throw<OpusException>(() => decoder.Decode([0xF9, 1, 2, 3], new short[OpusDecoder.MaxFrameSize])).ErrorCode.ShouldBe(-4);
        }
        finally
        {
            Concentus.OpusCodecFactory.AttemptToUseNativeLibrary = probed;
        }
    }

    [Theory]
    [InlineData(OpusApplication.Voip, 1)]
    [InlineData(OpusApplication.Audio, 1)]
    [InlineData(OpusApplication.Audio, 2)]
    public void EncodeDecode_Sine440_ComesBackCorrelatedWithSimilarEnergy(OpusApplication application, int channels)
    {
        var pcm = AudioFixtures.Sine(48000, 1.0, channels: channels);
        using var encoder = new OpusEncoder(channels, application) { Bitrate = 64000 };
        using var decoder = new OpusDecoder(channels);
        var decoded = new short[pcm.Length];
        var packet = new byte[OpusEncoder.MaxPacketSize];
        var frame = 960 * channels;
        for (var offset = 0; offset + frame <= pcm.Length; offset += frame)
        {
            var length = encoder.Encode(pcm.AsSpan(offset, frame), packet);
            length.ShouldBeGreaterThan(0);
            OpusPacket.Validate(packet.AsSpan(0, length)).ShouldBe(OpusPacketValidity.Valid);
            decoder.Decode(packet.AsSpan(0, length), decoded.AsSpan(offset, frame)).ShouldBe(960);
        }

        // The decoder lags by the encoder's lookahead; compare after aligning on it.
        var delay = encoder.Lookahead * channels;
        var original = pcm.AsSpan(0, pcm.Length - delay - 4800);
        var aligned = decoded.AsSpan(delay, original.Length);
        AudioFixtures.Correlation(original[4800..], aligned[4800..]).ShouldBeGreaterThan(0.9);
        var ratio = AudioFixtures.Rms(aligned[4800..]) / AudioFixtures.Rms(original[4800..]);
        ratio.ShouldBeInRange(0.7, 1.3);
    }

    [Fact]
    public void Decode_EmptyPacket_ConcealsLossWithAFullFrame()
    {
        using var encoder = new OpusEncoder(1, OpusApplication.Voip);
        using var decoder = new OpusDecoder(1);
        var pcm = AudioFixtures.Sine(48000, 0.02);
        var packet = new byte[OpusEncoder.MaxPacketSize];
        var length = encoder.Encode(pcm, packet);
        var output = new short[960];
        decoder.Decode(packet.AsSpan(0, length), output).ShouldBe(960);

        decoder.Decode(ReadOnlySpan<byte>.Empty, output).ShouldBe(960);
    }

    [Fact]
    public void Bitrate_RoundTripsThroughLibopus()
    {
        using var encoder = new OpusEncoder(1, OpusApplication.Voip) { Bitrate = 24000 };
        encoder.Bitrate.ShouldBe(24000);
        encoder.Lookahead.ShouldBeGreaterThan(0);
    }

    [Fact]
    public void Encode_InvalidFrameSize_ThrowsOpusExceptionWithLibopusText()
    {
        using var encoder = new OpusEncoder(1, OpusApplication.Voip);
        var ex = Should.Throw<OpusException>(() => encoder.Encode(new short[100], new byte[4000]));
        ex.ErrorCode.ShouldBe(-1);
        ex.Message.ShouldContain("invalid argument");
    }

    [Fact]
    public void Decode_CorruptPacket_ThrowsOpusException()
    {
        using var decoder = new OpusDecoder(1);
        // Code 1 with an odd payload length is refused by libopus's parser.
        var ex = Should.Throw<OpusException>(() => decoder.Decode([0xF9, 1, 2, 3], new short[OpusDecoder.MaxFrameSize]));
        ex.ErrorCode.ShouldBe(-4);
        ex.Message.ShouldContain("corrupted stream");
    }

    [Fact]
    public void Decode_BufferTooSmall_ThrowsOpusException()
    {
        using var encoder = new OpusEncoder(1, OpusApplication.Voip);
        using var decoder = new OpusDecoder(1);
        var packet = new byte[OpusEncoder.MaxPacketSize];
        var length = encoder.Encode(new short[960], packet);
        Should.Throw<OpusException>(() => decoder.Decode(packet.AsSpan(0, length), new short[480]));
    }

    [Fact]
    public void Encoder_UseAfterDispose_ThrowsObjectDisposed()
    {
        var encoder = new OpusEncoder(1, OpusApplication.Voip);
        encoder.Dispose();
        encoder.Dispose();
        Should.Throw<ObjectDisposedException>(() => encoder.Encode(new short[960], new byte[4000]));
        Should.Throw<ObjectDisposedException>(() => encoder.Bitrate = 16000);
        Should.Throw<ObjectDisposedException>(() => encoder.Lookahead);
    }

    [Fact]
    public void Decoder_UseAfterDispose_ThrowsObjectDisposed()
    {
        var decoder = new OpusDecoder(2);
        decoder.Dispose();
        decoder.Dispose();
        Should.Throw<ObjectDisposedException>(() => decoder.Decode([0xF8, 0xFF, 0xFE], new short[1920]));
    }

    [Fact]
    public void Constructors_RejectUnsupportedChannelCounts()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => new OpusEncoder(3, OpusApplication.Voip));
        Should.Throw<ArgumentOutOfRangeException>(() => new OpusDecoder(0));
        Should.Throw<ArgumentOutOfRangeException>(() => new OpusEncoder(1, (OpusApplication)1));
    }

    [Theory]
    [InlineData(480)]
    [InlineData(960)]
    [InlineData(1920)]
    [InlineData(2880)]
    public void PacketHelpers_ReportTheEncodedDuration(int frameSize)
    {
        using var encoder = new OpusEncoder(1, OpusApplication.Audio) { Bitrate = 64000 };
        var packet = new byte[OpusEncoder.MaxPacketSize];
        var length = encoder.Encode(AudioFixtures.Sine(48000, frameSize / 48000.0), packet);
        var span = packet.AsSpan(0, length);

        OpusPacket.GetNumberOfSamples(span, 48000).ShouldBe(frameSize);
        (OpusPacket.GetSamplesPerFrame(span, 48000) * OpusPacket.GetNumberOfFrames(span)).ShouldBe(frameSize);
        OpusPacket.GetDurationSamples(span).ShouldBe(frameSize);
        OpusPacket.Validate(span).ShouldBe(OpusPacketValidity.Valid);
    }

    [Fact]
    public void PacketHelpers_MalformedPacket_ThrowsOpusException()
    {
        Should.Throw<OpusException>(() => OpusPacket.GetNumberOfFrames([0x03]));
        Should.Throw<ArgumentException>(() => OpusPacket.GetNumberOfSamples([]));
    }
}
