namespace Chaos.Audio;

/// <summary>
/// Accumulates loudness while audio streams past, keeping one energy value per 10 ms block, so a
/// waveform can be built without knowing the length up front or holding the PCM (20 minutes is
/// 120,000 blocks, under a megabyte).
/// </summary>
public sealed class WaveformBuilder
{
    /// <summary>10 ms at 48 kHz: fine enough for 256 buckets from 2.56 s of audio upwards.</summary>
    public const int BlockSize = 480;

    private readonly List<double> _blockEnergy = [];
    private double _currentEnergy;
    private int _currentCount;

    /// <summary>Samples added so far.</summary>
    public long SampleCount { get; private set; }

    /// <summary>Adds mono samples.</summary>
    public void Add(ReadOnlySpan<short> samples)
    {
        foreach (var s in samples)
        {
            var v = s / 32768.0;
            _currentEnergy += v * v;
            if (++_currentCount == BlockSize)
            {
                _blockEnergy.Add(_currentEnergy);
                _currentEnergy = 0;
                _currentCount = 0;
            }
        }

        SampleCount += samples.Length;
    }

    /// <summary>
    /// RMS per bucket over at most <paramref name="maxSamples"/> buckets, scaled so the loudest bucket is
    /// 255: a message's shape matters to a listener, its recording level does not. Near-silent audio
    /// (loudest bucket under -60 dBFS) is not amplified, so noise does not draw as speech.
    /// </summary>
    /// <param name="maxSamples">Most buckets to return.</param>
    /// <param name="length">
    /// Samples that are really audio, when fewer than were added: the last Opus frame is padded, and
    /// Ogg Opus trims it only through the final granule position, known at the very end.
    /// </param>
    public byte[] Build(int maxSamples = Waveform.MaxSamples, long? length = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxSamples);
        var blocks = _blockEnergy.Count + (_currentCount > 0 ? 1 : 0);
        if (length is { } limit)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(limit);
            blocks = (int)Math.Min(blocks, (limit + BlockSize - 1) / BlockSize);
        }

        if (blocks == 0)
        {
            return [];
        }

        var count = Math.Min(maxSamples, blocks);
        var rms = new double[count];
        var max = 0.0;
        for (var b = 0; b < count; b++)
        {
            var from = (int)((long)b * blocks / count);
            var to = (int)((long)(b + 1) * blocks / count);
            var energy = 0.0;
            long samples = 0;
            for (var i = from; i < to; i++)
            {
                var partial = i == _blockEnergy.Count;
                energy += partial ? _currentEnergy : _blockEnergy[i];
                samples += partial ? _currentCount : BlockSize;
            }

            rms[b] = Math.Sqrt(energy / samples);
            max = Math.Max(max, rms[b]);
        }

        var scale = 255.0 / Math.Max(max, 0.001);
        var result = new byte[count];
        for (var b = 0; b < count; b++)
        {
            result[b] = (byte)Math.Clamp(Math.Round(rms[b] * scale), 0, 255);
        }

        return result;
    }
}
