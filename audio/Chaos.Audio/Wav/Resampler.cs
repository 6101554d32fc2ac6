namespace Chaos.Audio;

/// <summary>
/// Streaming conversion of 16-bit PCM at any accepted rate to 48 kHz mono, the only format we encode
/// voice in. A polyphase windowed-sinc filter (32 Blackman-windowed taps per output, one phase per
/// output position of the exact rational ratio) rather than linear interpolation: linear leaves images
/// of the input spectrum above its Nyquist frequency, which an Opus encoder would spend bits on.
/// Every accepted rate is at most 48 kHz, so this only upsamples and the filter only removes images.
/// </summary>
public sealed class Resampler
{
    public const int OutputRate = 48000;

    /// <summary>Taps on each side of the output instant.</summary>
    private const int HalfTaps = 16;

    /// <summary>Passband edge as a fraction of the input Nyquist frequency; the rest is transition band.</summary>
    private const double Cutoff = 0.92;

    private readonly int _up;
    private readonly int _down;
    private readonly float[] _coefficients;
    private float[] _history = new float[4096];
    private long _historyStart;
    private int _historyLength;
    private long _inputFrames;
    private long _outputs;

    public Resampler(int inputRate, int inputChannels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputRate);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(inputRate, OutputRate);
        if (inputChannels is not (1 or 2))
        {
            throw new ArgumentOutOfRangeException(nameof(inputChannels), inputChannels, "Only mono or stereo input is supported.");
        }

        InputRate = inputRate;
        InputChannels = inputChannels;
        var gcd = Gcd(OutputRate, inputRate);
        _up = OutputRate / gcd;
        _down = inputRate / gcd;
        _coefficients = _up == _down ? [] : BuildCoefficients(_up);
    }

    public int InputRate { get; }

    public int InputChannels { get; }

    /// <summary>The most samples <see cref="Process"/> or <see cref="Flush"/> can produce from <paramref name="inputFrames"/> frames.</summary>
    public int GetMaxOutputLength(int inputFrames) => (int)(((long)inputFrames + HalfTaps) * OutputRate / InputRate) + 2;

    /// <summary>
    /// Converts a block of interleaved input; returns the number of mono 48 kHz samples written. Blocks
    /// may be any size; output lags input by the filter's half-length until <see cref="Flush"/>.
    /// </summary>
    public int Process(ReadOnlySpan<short> input, Span<short> output)
    {
        var frames = input.Length / InputChannels;
        if (frames == 0)
        {
            return 0;
        }

        if (output.Length < GetMaxOutputLength(frames))
        {
            throw new ArgumentException("Output buffer is too small; see GetMaxOutputLength.", nameof(output));
        }

        if (_up == _down)
        {
            for (var i = 0; i < frames; i++)
            {
                output[i] = ToShort(Mono(input, i));
            }

            _inputFrames += frames;
            _outputs += frames;
            return frames;
        }

        Append(input, frames);
        return Produce(output, _inputFrames - HalfTaps);
    }

    /// <summary>
    /// Ends the stream, treating what follows the input as silence, so N input frames always become
    /// exactly ceil(N × 48000 / rate) output samples and durations match.
    /// </summary>
    public int Flush(Span<short> output)
    {
        if (_up == _down)
        {
            return 0;
        }

        return Produce(output, _inputFrames);
    }

    /// <summary>Writes every output whose instant falls before input frame <paramref name="limit"/> (exclusive).</summary>
    private int Produce(Span<short> output, long limit)
    {
        var written = 0;
        while (true)
        {
            // Output k sits at input time k * down / up: frame index, plus phase in 1/up steps.
            var position = _outputs * _down;
            var index = position / _up;
            var phase = (int)(position % _up);
            if (index >= limit)
            {
                break;
            }

            var taps = _coefficients.AsSpan(phase * 2 * HalfTaps, 2 * HalfTaps);
            var acc = 0.0f;
            var first = index - HalfTaps + 1;
            for (var j = 0; j < taps.Length; j++)
            {
                acc += taps[j] * Sample(first + j);
            }

            output[written++] = ToShort(acc);
            _outputs++;
        }

        Discard(((_outputs * _down) / _up) - HalfTaps + 1);
        return written;
    }

    private float Sample(long frame)
    {
        var offset = frame - _historyStart;
        return frame < 0 || frame >= _inputFrames || offset < 0 ? 0f : _history[offset];
    }

    private void Append(ReadOnlySpan<short> input, int frames)
    {
        if (_historyLength + frames > _history.Length)
        {
            Array.Resize(ref _history, Math.Max(_history.Length * 2, _historyLength + frames));
        }

        for (var i = 0; i < frames; i++)
        {
            _history[_historyLength + i] = Mono(input, i);
        }

        _historyLength += frames;
        _inputFrames += frames;
    }

    /// <summary>Drops history before <paramref name="frame"/>, which no future output needs.</summary>
    private void Discard(long frame)
    {
        var drop = (int)Math.Clamp(frame - _historyStart, 0, _historyLength);
        if (drop == 0)
        {
            return;
        }

        _history.AsSpan(drop, _historyLength - drop).CopyTo(_history);
        _historyLength -= drop;
        _historyStart += drop;
    }

    private float Mono(ReadOnlySpan<short> input, int frame) =>
        InputChannels == 1 ? input[frame] : (input[2 * frame] + input[(2 * frame) + 1]) * 0.5f;

    private static short ToShort(float value) => (short)Math.Clamp(MathF.Round(value), short.MinValue, short.MaxValue);

    /// <summary>One row of 2 × HalfTaps taps per phase, each row normalised to unity gain at DC.</summary>
    private static float[] BuildCoefficients(int phases)
    {
        var table = new float[phases * 2 * HalfTaps];
        for (var p = 0; p < phases; p++)
        {
            var row = table.AsSpan(p * 2 * HalfTaps, 2 * HalfTaps);
            var sum = 0.0;
            for (var j = 0; j < row.Length; j++)
            {
                // Distance in input frames from the output instant to tap j (frame index - H + 1 + j).
                var distance = (j - HalfTaps + 1) - ((double)p / phases);
                var x = Cutoff * distance;
                var sinc = Math.Abs(x) < 1e-12 ? 1.0 : Math.Sin(Math.PI * x) / (Math.PI * x);
                var w = (distance / HalfTaps + 1) / 2; // 0..1 across the window
                var window = 0.42 - (0.5 * Math.Cos(2 * Math.PI * w)) + (0.08 * Math.Cos(4 * Math.PI * w));
                var value = Cutoff * sinc * window;
                row[j] = (float)value;
                sum += value;
            }

            for (var j = 0; j < row.Length; j++)
            {
                row[j] = (float)(row[j] / sum);
            }
        }

        return table;
    }

    private static int Gcd(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
