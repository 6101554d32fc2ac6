using Chaos.Audio;

namespace Chaos.Tests.Audio;

public sealed class OggOpusTests
{
    [Theory]
    [InlineData(3.5, 960)]
    [InlineData(0.73, 960)]
    [InlineData(12.02, 960)]
    [InlineData(2.0, 2880)]
    [InlineData(1.01, 480)]
    public void WriterThenReader_RoundTripsDurationAndPackets(double seconds, int frameSize)
    {
        var pcm = AudioFixtures.Sine(48000, seconds);
        var ogg = AudioFixtures.OggOpus(pcm, frameSize);

        var reader = new OggOpusReader(new MemoryStream(ogg), AudioFixtures.Limits);
        reader.Head.Channels.ShouldBe(1);
        reader.Head.Version.ShouldBe(1);
        reader.Head.MappingFamily.ShouldBe(0);
        reader.Head.PreSkip.ShouldBeGreaterThan(0);
        reader.Vendor.ShouldBe("Chaos.Audio");
        reader.IsCompleted.ShouldBeFalse();

        var packets = 0;
        while (reader.TryReadPacket(out var packet))
        {
            OpusPacket.GetNumberOfSamples(packet.Span).ShouldBe(frameSize);
            packets++;
        }

        packets.ShouldBe((int)Math.Ceiling((pcm.Length + reader.Head.PreSkip) / (double)frameSize));
        reader.IsCompleted.ShouldBeTrue();
        reader.DurationSamples.ShouldBe(pcm.Length);
        reader.Duration.TotalSeconds.ShouldBe(seconds, 0.020);
        reader.BytesRead.ShouldBe(ogg.Length);
        reader.TryReadPacket(out _).ShouldBeFalse();
    }

    [Fact]
    public void Writer_ProducesPagesWithSequentialNumbersCrcAndEosOnlyOnTheLast()
    {
        var ogg = AudioFixtures.OggOpus(AudioFixtures.Sine(48000, 3.5));
        var pages = AudioFixtures.Pages(ogg);

        pages.Count.ShouldBeGreaterThan(4);
        for (var i = 0; i < pages.Count; i++)
        {
            var page = pages[i];
            BitConverter.ToInt32(page, 18).ShouldBe(i);
            var stored = BitConverter.ToUInt32(page, 22);
            AudioFixtures.Reseal((byte[])page.Clone()).AsSpan(22, 4).ToArray().ShouldBe(BitConverter.GetBytes(stored));
            page[5].ShouldBe((byte)(i == 0 ? 0x02 : i == pages.Count - 1 ? 0x04 : 0x00));
        }

        var granules = pages.Skip(2).Select(p => BitConverter.ToInt64(p, 6)).ToList();
        granules.ShouldBe(granules.Order().ToList());
    }

    [Fact]
    public void Reader_AssemblesPacketsSpanningPages()
    {
        // A 1000-byte audio packet laced across two pages (4 segments of 255 and the rest), written by hand.
        var packet = new byte[1000];
        packet[0] = 0xF8; // CELT FB 20 ms, code 0
        var first = packet.AsSpan(0, 510).ToArray();
        var pages = new List<byte[]>
        {
            AudioFixtures.Page(0x02, 0, 7, 0, AudioFixtures.OpusHeadPacket(preSkip: 0)),
            AudioFixtures.Page(0x00, 0, 7, 1, AudioFixtures.OpusTagsPacket()),
        };

        // Page with two full 255-byte segments and no terminator: the packet continues.
        var continuing = AudioFixtures.Page(0x00, -1, 7, 2, first);
        continuing[26] = 2;
        continuing = [.. continuing.AsSpan(0, 27), 255, 255, .. first];
        pages.Add(AudioFixtures.Reseal(continuing));
        var rest = packet.AsSpan(510).ToArray();
        pages.Add(AudioFixtures.Page(0x05, 960, 7, 3, rest));

        var reader = new OggOpusReader(new MemoryStream(AudioFixtures.Join(pages)), AudioFixtures.Limits);
        reader.TryReadPacket(out var read).ShouldBeTrue();
        read.Length.ShouldBe(1000);
        read.Span.SequenceEqual(packet).ShouldBeTrue();
        reader.TryReadPacket(out _).ShouldBeFalse();
        reader.DurationSamples.ShouldBe(960);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Inspector_AcceptsStereo_WithMappingFamily0And1(byte family)
    {
        using var encoder = new OpusEncoder(2, OpusApplication.Audio) { Bitrate = 64000 };
        var pcm = AudioFixtures.Sine(48000, 1.0, channels: 2);
        var packets = new List<byte[]>();
        var buffer = new byte[OpusEncoder.MaxPacketSize];
        for (var offset = 0; offset < pcm.Length; offset += 1920)
        {
            packets.Add(buffer.AsSpan(0, encoder.Encode(pcm.AsSpan(offset, 1920), buffer)).ToArray());
        }

        byte[] head = family == 0
            ? AudioFixtures.OpusHeadPacket(channels: 2, preSkip: 0)
            : [.. AudioFixtures.OpusHeadPacket(channels: 2, preSkip: 0, family: 1), 1, 1, 0, 1];
        var ogg = AudioFixtures.Join(
        [
            AudioFixtures.Page(0x02, 0, 5, 0, head),
            AudioFixtures.Page(0x00, 0, 5, 1, AudioFixtures.OpusTagsPacket()),
            AudioFixtures.Page(0x00, 960 * 25, 5, 2, [.. packets.Take(25)]),
            AudioFixtures.Page(0x04, 48000, 5, 3, [.. packets.Skip(25)]),
        ]);

        var info = VoiceMessageInspector.InspectOggOpus(new MemoryStream(ogg), AudioFixtures.Limits);

        info.DurationMs.ShouldBe(1000);
        info.Waveform.Length.ShouldBe(100);
        info.Waveform.Skip(5).ShouldAllBe(b => b > 200);
    }

    [Fact]
    public void Reader_ReadsWithinTheLimits_WhenTheFileIsExactlyAtThem()
    {
        var ogg = AudioFixtures.OggOpus(AudioFixtures.Sine(48000, 2));
        var limits = new AudioLimits(ogg.Length, TimeSpan.FromSeconds(2));
        var info = VoiceMessageInspector.InspectOggOpus(new MemoryStream(ogg), limits);
        info.DurationMs.ShouldBe(2000);
    }

    [Fact]
    public void UnboundedLimits_DoNotOverflow()
    {
        var unbounded = new AudioLimits(long.MaxValue, TimeSpan.MaxValue);
        var ogg = AudioFixtures.OggOpus(AudioFixtures.Sine(48000, 1));
        VoiceMessageInspector.InspectOggOpus(new MemoryStream(ogg), unbounded).DurationMs.ShouldBe(1000);
        var wav = AudioFixtures.Wav(AudioFixtures.Sine(16000, 1), 16000, 1);
        VoiceMessageEncoder.EncodeWavToOggOpus(new MemoryStream(wav), Stream.Null, unbounded).TotalMilliseconds.ShouldBe(1000);
    }

    [Fact]
    public void Reader_DoesNotBufferTheWholeInput()
    {
        var ogg = AudioFixtures.OggOpus(AudioFixtures.Sine(48000, 30));
        var stream = new MemoryStream(ogg);
        var reader = new OggOpusReader(stream, AudioFixtures.Limits);
        reader.TryReadPacket(out _).ShouldBeTrue();

        // After the first audio packet only the headers and the first audio page have been consumed.
        stream.Position.ShouldBeLessThan(16 * 1024);
        reader.BytesRead.ShouldBe(stream.Position);
    }
}
