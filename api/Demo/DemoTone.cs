namespace Chaos.Api.Demo;

/// <summary>A short synthesized voice-message stand-in for the demo: a gliding two-tone chime as 48 kHz mono 16-bit PCM WAV.</summary>
public static class DemoTone
{
    public const int SampleRate = 48_000;

    public static byte[] Wav(TimeSpan duration)
    {
        var samples = (int)(duration.TotalSeconds * SampleRate);
        using var stream = new MemoryStream(44 + (samples * 2));
        using var writer = new BinaryWriter(stream);
        writer.Write("RIFF"u8);
        writer.Write(36 + (samples * 2));
        writer.Write("WAVEfmt "u8);
        writer.Write(16);
        writer.Write((short)1);
        writer.Write((short)1);
        writer.Write(SampleRate);
        writer.Write(SampleRate * 2);
        writer.Write((short)2);
        writer.Write((short)16);
        writer.Write("data"u8);
        writer.Write(samples * 2);
        for (var i = 0; i < samples; i++)
        {
            var t = (double)i / SampleRate;
            var frequency = 440 + (220 * t / duration.TotalSeconds);
            // Syllable-like loudness so the server's waveform has shape.
            var envelope = 0.5 * (1 - Math.Cos(2 * Math.PI * t * 2.5)) * Math.Min(1, (duration.TotalSeconds - t) * 10);
            var value = envelope * ((0.6 * Math.Sin(2 * Math.PI * frequency * t)) + (0.2 * Math.Sin(4 * Math.PI * frequency * t)));
            writer.Write((short)Math.Round(value * 0.5 * short.MaxValue));
        }

        writer.Flush();
        return stream.ToArray();
    }
}
