using BenchmarkDotNet.Attributes;
using Chaos.Audio;

namespace Chaos.Benchmarks;

/// <summary>The per-frame check the front door runs on every uploaded voice packet.</summary>
public class OpusBenchmarks
{
    private byte[] packet = null!;

    [GlobalSetup]
    public void Setup()
    {
        using var encoder = new OpusEncoder(1, OpusApplication.Voip);
        var pcm = new short[960];
        for (var i = 0; i < pcm.Length; i++)
        {
            pcm[i] = (short)(8000 * Math.Sin(2 * Math.PI * 220 * i / 48000.0));
        }

        var buffer = new byte[1275];
        packet = buffer[..encoder.Encode(pcm, buffer)];
    }

    [Benchmark]
    public OpusPacketValidity Validate() => OpusPacket.Validate(packet);
}
