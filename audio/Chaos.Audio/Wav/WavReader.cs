using System.Buffers.Binary;

namespace Chaos.Audio;

/// <summary>
/// A strict, streaming RIFF/WAVE reader for 16-bit PCM, mono or stereo, at the common rates. The header
/// is parsed on construction; samples are then pulled in caller-sized blocks so uploads are never held
/// whole, and <see cref="AudioLimits"/> are enforced as bytes arrive.
/// </summary>
public sealed class WavReader
{
    private const ushort FormatPcm = 1;
    private const ushort FormatExtensible = 0xFFFE;
    private const int MaxFormatChunkSize = 1024;

    /// <summary>A data size of 0xFFFFFFFF is what streaming writers (e.g. ffmpeg to a pipe) emit: "until the end".</summary>
    private const uint UnknownDataSize = uint.MaxValue;

    private static readonly int[] SupportedRates = [8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000];

    /// <summary>KSDATAFORMAT_SUBTYPE_PCM after its first two bytes (which hold the format tag).</summary>
    private static ReadOnlySpan<byte> PcmSubformatTail =>
        [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71];

    private readonly LimitedReader _reader;
    private readonly long _maxFrames;
    private readonly byte[] _buffer = new byte[8192];
    private long _dataRemaining;
    private readonly bool _dataSizeKnown;
    private long _framesRead;
    private bool _ended;

    /// <exception cref="InvalidAudioException">The input is not a WAV file we accept.</exception>
    /// <exception cref="AudioLimitExceededException">The input exceeds <paramref name="limits"/>.</exception>
    public WavReader(Stream input, AudioLimits limits)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(limits);
        _reader = new LimitedReader(input, limits.MaxBytes);

        Span<byte> riff = stackalloc byte[12];
        var got = _reader.Fill(riff);
        if (got == 0)
        {
            throw new InvalidAudioException("Input is empty.");
        }

        if (got < 12 || !riff[..4].SequenceEqual("RIFF"u8) || !riff[8..12].SequenceEqual("WAVE"u8))
        {
            throw new InvalidAudioException("Not a RIFF/WAVE file.");
        }

        // The RIFF size is not trusted: streaming writers leave it 0 or 0xFFFFFFFF, and chunks are
        // checked one by one against what the stream actually holds.
        var haveFormat = false;
        Span<byte> chunkHeader = stackalloc byte[8];
        while (true)
        {
            got = _reader.Fill(chunkHeader);
            if (got == 0)
            {
                throw new InvalidAudioException(haveFormat ? "WAV file has no data chunk." : "WAV file has no fmt chunk.");
            }

            if (got < 8)
            {
                throw new InvalidAudioException("Truncated WAV chunk header.");
            }

            var id = chunkHeader[..4];
            var size = BinaryPrimitives.ReadUInt32LittleEndian(chunkHeader[4..]);
            if (id.SequenceEqual("fmt "u8))
            {
                if (haveFormat)
                {
                    throw new InvalidAudioException("WAV file has two fmt chunks.");
                }

                if (size is < 16 or > MaxFormatChunkSize)
                {
                    throw new InvalidAudioException("WAV fmt chunk has an invalid size.");
                }

                var padded = (int)size + (int)(size & 1);
                if (_reader.Fill(_buffer.AsSpan(0, padded)) < padded)
                {
                    throw new InvalidAudioException("Truncated WAV fmt chunk.");
                }

                (SampleRate, Channels) = ParseFormat(_buffer.AsSpan(0, (int)size));
                haveFormat = true;
            }
            else if (id.SequenceEqual("data"u8))
            {
                if (!haveFormat)
                {
                    throw new InvalidAudioException("WAV data chunk comes before the fmt chunk.");
                }

                _maxFrames = limits.MaxFrames(SampleRate);
                _dataSizeKnown = size != UnknownDataSize;
                if (_dataSizeKnown)
                {
                    if (size == 0)
                    {
                        throw new InvalidAudioException("WAV file holds no audio.");
                    }

                    if (size % BlockAlign != 0)
                    {
                        throw new InvalidAudioException("WAV data size is not a whole number of frames.");
                    }

                    _dataRemaining = size;
                    DataFrames = size / BlockAlign;
                    if (DataFrames > _maxFrames)
                    {
                        throw new AudioLimitExceededException("Audio is longer than allowed.");
                    }

                    // A lying size is caught here rather than after reading up to it.
                    if (size > limits.MaxBytes - _reader.BytesRead)
                    {
                        throw new AudioLimitExceededException("Audio file is larger than allowed.");
                    }
                }

                return;
            }
            else
            {
                var padded = size + (size & 1);
                if (_reader.Skip(padded, _buffer) < padded)
                {
                    throw new InvalidAudioException("Truncated WAV chunk.");
                }
            }
        }
    }

    public int SampleRate { get; }

    public int Channels { get; }

    /// <summary>Frames declared by the data chunk, or null for a streaming file of unknown length.</summary>
    public long? DataFrames { get; }

    public long BytesRead => _reader.BytesRead;

    private int BlockAlign => Channels * 2;

    /// <summary>
    /// Reads interleaved samples into <paramref name="samples"/>, whole frames only; returns the number of
    /// samples written, 0 at the end of the data.
    /// </summary>
    public int Read(Span<short> samples)
    {
        if (_ended)
        {
            return 0;
        }

        var frames = Math.Min(samples.Length / Channels, _buffer.Length / BlockAlign);
        if (frames == 0)
        {
            throw new ArgumentException("Buffer holds no whole frame.", nameof(samples));
        }

        var bytes = frames * BlockAlign;
        if (_dataSizeKnown)
        {
            bytes = (int)Math.Min(bytes, _dataRemaining);
        }

        var got = _reader.Fill(_buffer.AsSpan(0, bytes));
        if (got < bytes)
        {
            if (_dataSizeKnown)
            {
                throw new InvalidAudioException("WAV data chunk is shorter than its declared size.");
            }

            if (got % BlockAlign != 0)
            {
                throw new InvalidAudioException("WAV data ends with a partial frame.");
            }

            _ended = true;
        }

        if (_dataSizeKnown)
        {
            _dataRemaining -= got;
            _ended = _dataRemaining == 0;
        }

        var count = got / 2;
        for (var i = 0; i < count; i++)
        {
            samples[i] = BinaryPrimitives.ReadInt16LittleEndian(_buffer.AsSpan(i * 2));
        }

        _framesRead += got / BlockAlign;
        if (_framesRead > _maxFrames)
        {
            throw new AudioLimitExceededException("Audio is longer than allowed.");
        }

        if (_ended && _framesRead == 0)
        {
            throw new InvalidAudioException("WAV file holds no audio.");
        }

        return count;
    }

    private static (int SampleRate, int Channels) ParseFormat(ReadOnlySpan<byte> fmt)
    {
        var tag = BinaryPrimitives.ReadUInt16LittleEndian(fmt);
        int channels = BinaryPrimitives.ReadUInt16LittleEndian(fmt[2..]);
        var rate = BinaryPrimitives.ReadUInt32LittleEndian(fmt[4..]);
        int blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(fmt[12..]);
        int bits = BinaryPrimitives.ReadUInt16LittleEndian(fmt[14..]);

        if (tag == FormatExtensible)
        {
            if (fmt.Length < 40 || BinaryPrimitives.ReadUInt16LittleEndian(fmt[16..]) < 22)
            {
                throw new InvalidAudioException("WAVE_FORMAT_EXTENSIBLE header is truncated.");
            }

            int validBits = BinaryPrimitives.ReadUInt16LittleEndian(fmt[18..]);
            var subformat = fmt.Slice(24, 16);
            if (BinaryPrimitives.ReadUInt16LittleEndian(subformat) != FormatPcm || !subformat[2..].SequenceEqual(PcmSubformatTail))
            {
                throw new InvalidAudioException("Only PCM WAV audio is accepted.");
            }

            if (validBits != 16)
            {
                throw new InvalidAudioException("Only 16-bit PCM WAV audio is accepted.");
            }
        }
        else if (tag != FormatPcm)
        {
            throw new InvalidAudioException("Only PCM WAV audio is accepted.");
        }

        if (bits != 16)
        {
            throw new InvalidAudioException("Only 16-bit PCM WAV audio is accepted.");
        }

        if (channels is not (1 or 2))
        {
            throw new InvalidAudioException("Only mono or stereo WAV audio is accepted.");
        }

        if (Array.IndexOf(SupportedRates, (int)Math.Min(rate, int.MaxValue)) < 0)
        {
            throw new InvalidAudioException("Unsupported WAV sample rate.");
        }

        if (blockAlign != channels * 2)
        {
            throw new InvalidAudioException("WAV block alignment does not match the format.");
        }

        return ((int)rate, channels);
    }
}
