namespace Chaos.Audio;

/// <summary>
/// Streaming conversion of 16-bit PCM at any rate to 48 kHz mono, the only format we encode voice in.
/// Linear interpolation: every accepted input rate is at most 48 kHz, so this only ever upsamples and
/// needs no anti-aliasing filter; its mild high-frequency roll-off is inaudible after a speech codec.
/// The read position is kept as an exact fraction, so long inputs do not drift.
/// </summary>
public sealed class Resampler
{
    public const int OutputRate = 48000;

    private long _position;

    /// <summary>Whether any input has been seen; a flush before that has nothing to hold.</summary>
    private bool _started;
    private float _previous;

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
    }

    public int InputRate { get; }

    public int InputChannels { get; }

    /// <summary>The most samples <see cref="Process"/> can produce from <paramref name="inputFrames"/> frames.</summary>
    public int GetMaxOutputLength(int inputFrames) => (int)((long)inputFrames * OutputRate / InputRate) + 2;

    /// <summary>
    /// Converts a block of interleaved input; returns the number of mono 48 kHz samples written. Blocks
    /// may be any size: interpolation carries across block boundaries.
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

        // _position is the next output's time in input frames, scaled by OutputRate, relative to the
        // first frame of this block; it can be negative, meaning between the previous block's last frame
        // and this block's first.
        var written = 0;
        var last = frames - 1;
        while (true)
        {
            var index = Math.DivRem(_position, OutputRate, out var remainder);
            if (remainder < 0)
            {
                index--;
                remainder += OutputRate;
            }

            if (index > last || (index == last && remainder != 0))
            {
                break;
            }

            var a = index < 0 ? _previous : Mono(input, (int)index);
            var value = remainder == 0 ? a : a + ((Mono(input, (int)index + 1) - a) * remainder / OutputRate);
            output[written++] = (short)Math.Clamp(MathF.Round(value), short.MinValue, short.MaxValue);
            _position += InputRate;
        }

        _position -= (long)frames * OutputRate;
        _started = true;
        _previous = Mono(input, last);
        return written;
    }

    /// <summary>
    /// Ends the stream: writes the outputs that fall after the last input frame (held at its value), so
    /// N input frames always become exactly ceil(N × 48000 / rate) output samples and durations match.
    /// </summary>
    public int Flush(Span<short> output)
    {
        var written = 0;
        var value = (short)Math.Clamp(MathF.Round(_previous), short.MinValue, short.MaxValue);
        while (_started && _position < 0)
        {
            output[written++] = value;
            _position += InputRate;
        }

        return written;
    }

    private float Mono(ReadOnlySpan<short> input, int frame) =>
        InputChannels == 1 ? input[frame] : (input[2 * frame] + input[(2 * frame) + 1]) * 0.5f;
}
