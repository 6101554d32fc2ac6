namespace Chaos.Audio;

/// <summary>
/// Reads from an untrusted stream while charging every byte to <see cref="AudioLimits.MaxBytes"/>, so a
/// parser stops as soon as input goes over the limit instead of after it has read it all.
/// </summary>
internal sealed class LimitedReader(Stream input, long maxBytes)
{
    public long BytesRead { get; private set; }

    /// <summary>
    /// Fills <paramref name="destination"/>; returns fewer bytes only at the end of the input. Never asks
    /// the stream for more than one byte past the limit, so an input of exactly the limit is accepted.
    /// </summary>
    public int Fill(Span<byte> destination)
    {
        if (destination.IsEmpty)
        {
            return 0;
        }

        var allowance = Math.Max(0, maxBytes - BytesRead);
        var request = allowance >= destination.Length ? destination.Length : (int)allowance + 1;
        var got = input.ReadAtLeast(destination[..request], request, throwOnEndOfStream: false);
        BytesRead += got;
        if (BytesRead > maxBytes)
        {
            throw new AudioLimitExceededException("Audio file is larger than allowed.");
        }

        return got;
    }

    /// <summary>Discards <paramref name="count"/> bytes from a stream that may not be seekable.</summary>
    public long Skip(long count, Span<byte> scratch)
    {
        var skipped = 0L;
        while (skipped < count)
        {
            var chunk = (int)Math.Min(scratch.Length, count - skipped);
            var got = Fill(scratch[..chunk]);
            skipped += got;
            if (got < chunk)
            {
                break;
            }
        }

        return skipped;
    }
}
