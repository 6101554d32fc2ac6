using Chaos.Audio;

namespace Chaos.Tests.Audio;

public sealed class WaveformTests
{
    [Fact]
    public void InspectOggOpus_LoudQuietLoud_ShowsAQuietMiddleThird()
    {
        var ogg = AudioFixtures.OggOpus(AudioFixtures.LoudQuietLoud());

        var info = VoiceMessageInspector.InspectOggOpus(new MemoryStream(ogg), AudioFixtures.Limits);

        info.DurationMs.ShouldBeInRange(2980, 3020);
        info.Waveform.Length.ShouldBe(256);
        AssertLoudQuietLoud(info.Waveform);
    }

    [Fact]
    public void Compute_FromPcm_ShowsAQuietMiddleThird()
    {
        var waveform = Waveform.Compute(AudioFixtures.LoudQuietLoud());
        waveform.Length.ShouldBe(256);
        AssertLoudQuietLoud(waveform);
        waveform.Max().ShouldBe((byte)255);
    }

    [Fact]
    public void Compute_FromPackets_MatchesTheShape()
    {
        var ogg = AudioFixtures.OggOpus(AudioFixtures.LoudQuietLoud());
        var reader = new OggOpusReader(new MemoryStream(ogg), AudioFixtures.Limits);
        var packets = new List<ReadOnlyMemory<byte>>();
        while (reader.TryReadPacket(out var packet))
        {
            packets.Add(packet.ToArray());
        }

        AssertLoudQuietLoud(Waveform.Compute(packets, reader.Head.PreSkip));
    }

    [Fact]
    public void Compute_ShortAudio_HasOneSamplePer10Ms()
    {
        Waveform.Compute(AudioFixtures.Sine(48000, 0.5)).Length.ShouldBe(50);
        Waveform.Compute(ReadOnlySpan<short>.Empty).ShouldBeEmpty();
    }

    [Fact]
    public void Compute_Silence_StaysAtZero()
    {
        Waveform.Compute(new short[48000]).ShouldAllBe(b => b == 0);
    }

    private static void AssertLoudQuietLoud(byte[] waveform)
    {
        var third = waveform.Length / 3;

        // Stay clear of the edges where buckets straddle the transitions.
        var first = waveform.Skip(4).Take(third - 8).ToArray();
        var middle = waveform.Skip(third + 4).Take(third - 8).ToArray();
        var last = waveform.Skip((2 * third) + 4).Take(third - 8).ToArray();
        first.Min().ShouldBeGreaterThan((byte)200);
        last.Min().ShouldBeGreaterThan((byte)200);
        middle.Max().ShouldBeLessThan((byte)30);
    }
}
