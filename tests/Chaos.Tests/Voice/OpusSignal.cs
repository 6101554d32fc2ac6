using Chaos.Audio;

namespace Chaos.Tests.Voice;

/// <summary>Real Opus frames from libopus: 20 ms of a speech-band tone each, different per speaker.</summary>
internal static class OpusSignal
{
    public static List<byte[]> Frames(int count, double frequency)
    {
        using var encoder = new OpusEncoder(1, OpusApplication.Voip) { Bitrate = 24000 };
        var pcm = new short[960];
        var packet = new byte[OpusEncoder.MaxPacketSize];
        var frames = new List<byte[]>(count);
        for (var f = 0; f < count; f++)
        {
            for (var i = 0; i < pcm.Length; i++)
            {
                var t = ((f * 960) + i) / 48000.0;
                // A tone with a slow tremolo, so frames are not all alike.
                pcm[i] = (short)(9000 * (0.6 + (0.4 * Math.Sin(2 * Math.PI * 3 * t))) * Math.Sin(2 * Math.PI * frequency * t));
            }

            var length = encoder.Encode(pcm, packet);
            frames.Add(packet[..length]);
        }

        return frames;
    }
}
