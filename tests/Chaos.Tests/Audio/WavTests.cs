using Chaos.Audio;

namespace Chaos.Tests.Audio;

public sealed class WavTests
{
    [Theory]
    [InlineData(16000, 2, 3.5)]
    [InlineData(44100, 1, 2.25)]
    [InlineData(8000, 1, 1.0)]
    [InlineData(11025, 2, 0.5)]
    [InlineData(22050, 1, 1.7)]
    [InlineData(48000, 2, 4.0)]
    public void EncodeWavToOggOpus_ProducesOggOpusOfTheRightDuration(int sampleRate, int channels, double seconds)
    {
        var wav = AudioFixtures.Wav(AudioFixtures.Sine(sampleRate, seconds, channels: channels), sampleRate, channels);
        using var output = new MemoryStream();

        var duration = VoiceMessageEncoder.EncodeWavToOggOpus(new MemoryStream(wav), output, AudioFixtures.Limits);

        duration.TotalSeconds.ShouldBe(seconds, 0.020);
        var info = VoiceMessageInspector.InspectOggOpus(new MemoryStream(output.ToArray()), AudioFixtures.Limits);
        info.Duration.TotalSeconds.ShouldBe(seconds, 0.020);
        info.Waveform.Length.ShouldBe(seconds >= 2.56 ? 256 : (int)Math.Ceiling(seconds * 100));
    }

    [Fact]
    public void EncodeWavToOggOpus_KeepsTheSignal()
    {
        var pcm = AudioFixtures.Sine(16000, 1.0, frequency: 440, amplitude: 0.5);
        using var output = new MemoryStream();
        VoiceMessageEncoder.EncodeWavToOggOpus(new MemoryStream(AudioFixtures.Wav(pcm, 16000, 1)), output, AudioFixtures.Limits);

        output.Position = 0;
        var reader = new OggOpusReader(output, AudioFixtures.Limits);
        using var decoder = new OpusDecoder(1);
        var decoded = new List<short>();
        var buffer = new short[OpusDecoder.MaxFrameSize];
        while (reader.TryReadPacket(out var packet))
        {
            var n = decoder.Decode(packet.Span, buffer);
            decoded.AddRange(buffer.AsSpan(0, n));
        }

        var audio = decoded.Skip(reader.Head.PreSkip).Take(48000).ToArray();
        var reference = AudioFixtures.Sine(48000, 1.0, frequency: 440, amplitude: 0.5);
        AudioFixtures.Correlation(reference.AsSpan(4800, 38400), audio.AsSpan(4800, 38400)).ShouldBeGreaterThan(0.9);
    }

    [Fact]
    public void WavReader_SkipsUnknownChunksWithOddPadding()
    {
        var pcm = AudioFixtures.Sine(16000, 0.1);
        byte[] chunks =
        [
            .. AudioFixtures.Chunk("LIST", new byte[7]),
            .. AudioFixtures.Chunk("fmt ", FormatChunk(16000)),
            .. AudioFixtures.Chunk("junk", new byte[3]),
            .. AudioFixtures.Chunk("data", AudioFixtures.SamplesToBytes(pcm)),
        ];

        var reader = new WavReader(new MemoryStream(AudioFixtures.Riff(chunks)), AudioFixtures.Limits);
        reader.SampleRate.ShouldBe(16000);
        reader.Channels.ShouldBe(1);
        reader.DataFrames.ShouldBe(pcm.Length);
        var samples = new short[pcm.Length + 10];
        var total = 0;
        int n;
        while ((n = reader.Read(samples.AsSpan(total))) > 0)
        {
            total += n;
        }

        total.ShouldBe(pcm.Length);
        samples.AsSpan(0, total).SequenceEqual(pcm).ShouldBeTrue();
    }

    [Fact]
    public void WavReader_AcceptsExtensiblePcm()
    {
        var fmt = new byte[40];
        FormatChunk(24000, 2).CopyTo(fmt, 0);
        fmt[0] = 0xFE;
        fmt[1] = 0xFF;
        fmt[16] = 22;
        fmt[18] = 16;
        byte[] pcmGuid = [0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];
        pcmGuid.CopyTo(fmt, 24);
        var data = AudioFixtures.SamplesToBytes(AudioFixtures.Sine(24000, 0.5, channels: 2));
        var wav = AudioFixtures.Riff([.. AudioFixtures.Chunk("fmt ", fmt), .. AudioFixtures.Chunk("data", data)]);

        using var output = new MemoryStream();
        VoiceMessageEncoder.EncodeWavToOggOpus(new MemoryStream(wav), output, AudioFixtures.Limits).TotalSeconds.ShouldBe(0.5, 0.02);
    }

    [Fact]
    public void WavReader_AcceptsStreamingDataSizeUntilTheEnd()
    {
        var pcm = AudioFixtures.Sine(8000, 0.75);
        var wav = AudioFixtures.WavRaw(1, 1, 8000, 16, AudioFixtures.SamplesToBytes(pcm), dataSize: uint.MaxValue);
        using var output = new MemoryStream();
        VoiceMessageEncoder.EncodeWavToOggOpus(new MemoryStream(wav), output, AudioFixtures.Limits).TotalSeconds.ShouldBe(0.75, 0.02);
    }

    [Theory]
    [InlineData(8000)]
    [InlineData(11025)]
    [InlineData(44100)]
    [InlineData(48000)]
    public void Resampler_ProducesTheRightLengthAcrossBlocks(int rate)
    {
        var input = AudioFixtures.Sine(rate, 1.0, channels: 2);
        var resampler = new Resampler(rate, 2);
        var output = new List<short>();
        var buffer = new short[resampler.GetMaxOutputLength(1000)];
        for (var offset = 0; offset < input.Length; offset += 2 * 317)
        {
            var block = input.AsSpan(offset, Math.Min(2 * 317, input.Length - offset));
            var n = resampler.Process(block, buffer);
            output.AddRange(buffer.AsSpan(0, n));
        }

        output.AddRange(buffer.AsSpan(0, resampler.Flush(buffer)));
        output.Count.ShouldBe(48000);
        var reference = AudioFixtures.Sine(48000, 1.0);
        AudioFixtures.Correlation(reference.AsSpan(0, 47000), output.ToArray().AsSpan(0, 47000)).ShouldBeGreaterThan(0.99);
    }

    [Theory]
    [InlineData(44100, 15000)]
    [InlineData(16000, 3000)]
    [InlineData(8000, 440)]
    [InlineData(11025, 4000)]
    public void Resampler_SuppressesImages(int rate, double frequency)
    {
        var input = AudioFixtures.Sine(rate, 0.5, frequency, amplitude: 0.5);
        var resampler = new Resampler(rate, 1);
        var output = new short[resampler.GetMaxOutputLength(input.Length)];
        var n = resampler.Process(input, output);
        n += resampler.Flush(output.AsSpan(n));
        n.ShouldBe((int)Math.Ceiling(input.Length * 48000.0 / rate));

        // Away from the edges, the output is the same sine sampled at 48 kHz, with images and
        // interpolation error at least 40 dB down.
        var ideal = AudioFixtures.Sine(48000, 0.5, frequency, amplitude: 0.5);
        double signal = 0, error = 0;
        for (var i = 1000; i < 23000; i++)
        {
            signal += (double)ideal[i] * ideal[i];
            error += Math.Pow(output[i] - ideal[i], 2);
        }

        (10 * Math.Log10(signal / error)).ShouldBeGreaterThan(40);
    }

    private static byte[] FormatChunk(int rate, int channels = 1)
    {
        var wav = AudioFixtures.WavRaw(1, channels, rate, 16, []);
        return wav.AsSpan(20, 16).ToArray();
    }
}
