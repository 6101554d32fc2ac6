using System.Buffers.Binary;
using System.Text;

namespace Chaos.Audio;

/// <summary>
/// A strict, streaming reader for single-stream Ogg Opus (RFC 3533 + RFC 7845) as uploaded by clients.
/// It holds at most one page and one packet in memory, checks every page's CRC, sequence and granule
/// position, and enforces <see cref="AudioLimits"/> as bytes arrive, so a hostile upload costs at most
/// the limits. Everything it refuses surfaces as <see cref="InvalidAudioException"/>.
/// </summary>
public sealed class OggOpusReader
{
    private const int PageHeaderSize = 27;
    private const int MaxBodySize = 255 * 255;

    /// <summary>OpusTags may carry comments, but a voice message needs none; a bound keeps memory flat.</summary>
    private const int MaxHeaderPacketSize = 64 * 1024;

    private readonly Stream _input;
    private readonly AudioLimits _limits;
    private readonly LimitedReader _reader;
    private readonly byte[] _header = new byte[PageHeaderSize];
    private readonly byte[] _segments = new byte[255];
    private readonly byte[] _body = new byte[MaxBodySize];
    private byte[] _packet = new byte[OpusPacket.MaxPacketSize];

    private int _segmentCount;
    private int _segmentIndex;
    private int _bodyPosition;
    private bool _pageLoaded;
    private bool _firstPage = true;
    private int _serial;
    private uint _nextSequence;
    private long _pageGranule;
    private bool _pageIsLast;
    private long _lastGranule;
    private int _packetLength;
    private bool _inPacket;
    private long _samples;
    private long _audioPackets;
    private long? _durationSamples;
    private bool _haveHead;
    private long _pagesRead;
    private int _preSkip;

    /// <summary>Reads and checks OpusHead and OpusTags; audio packets follow through <see cref="TryReadPacket"/>.</summary>
    /// <exception cref="InvalidAudioException">The stream is not acceptable Ogg Opus.</exception>
    /// <exception cref="AudioLimitExceededException">The stream exceeds <paramref name="limits"/>.</exception>
    public OggOpusReader(Stream input, AudioLimits limits)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(limits);
        _input = input;
        _limits = limits;
        _reader = new LimitedReader(input, limits.MaxBytes);

        if (!TryReadRawPacket(MaxHeaderPacketSize, out var head))
        {
            throw new InvalidAudioException("Missing OpusHead.");
        }

        Head = ParseHead(head.Span);
        _haveHead = true;
        _preSkip = Head.PreSkip;
        if (_segmentIndex != _segmentCount || _pagesRead != 1)
        {
            throw new InvalidAudioException("OpusHead must be alone on the first page.");
        }

        if (!TryReadRawPacket(MaxHeaderPacketSize, out var tags))
        {
            throw new InvalidAudioException("Missing OpusTags.");
        }

        Vendor = ParseTags(tags.Span);
        if (_segmentIndex != _segmentCount)
        {
            throw new InvalidAudioException("Audio data shares a page with OpusTags.");
        }
    }

    public OpusHead Head { get; }

    /// <summary>The encoder's self-identification from OpusTags.</summary>
    public string Vendor { get; }

    /// <summary>Bytes consumed from the input so far.</summary>
    public long BytesRead => _reader.BytesRead;

    /// <summary>True once the end-of-stream page has been read and checked.</summary>
    public bool IsCompleted => _durationSamples.HasValue;

    /// <summary>Playable length in 48 kHz samples: final granule position minus pre-skip.</summary>
    public long DurationSamples =>
        _durationSamples ?? throw new InvalidOperationException("Duration is known once every packet has been read.");

    public TimeSpan Duration => TimeSpan.FromTicks(DurationSamples * TimeSpan.TicksPerSecond / 48000);

    /// <summary>
    /// Returns the next audio packet, already checked with <see cref="OpusPacket.Validate"/>; the memory
    /// is reused by the next call. Returns false after the end-of-stream page.
    /// </summary>
    public bool TryReadPacket(out ReadOnlyMemory<byte> packet)
    {
        if (!TryReadRawPacket(OpusPacket.MaxPacketSize, out packet))
        {
            return false;
        }

        var validity = OpusPacket.Validate(packet.Span);
        if (validity != OpusPacketValidity.Valid)
        {
            throw new InvalidAudioException($"Invalid Opus packet ({validity}).");
        }

        _audioPackets++;
        _samples += OpusPacket.GetDurationSamples(packet.Span);
        if (_samples - Head.PreSkip - OpusPacket.MaxSamplesPerPacket > _limits.MaxSamples48k)
        {
            throw new AudioLimitExceededException("Audio is longer than allowed.");
        }

        return true;
    }

    private bool TryReadRawPacket(int maxSize, out ReadOnlyMemory<byte> packet)
    {
        while (true)
        {
            if (!_pageLoaded || _segmentIndex == _segmentCount)
            {
                if (!LoadNextPage())
                {
                    packet = default;
                    return false;
                }

                continue;
            }

            var start = _bodyPosition;
            var length = 0;
            var complete = false;
            while (_segmentIndex < _segmentCount)
            {
                int lace = _segments[_segmentIndex++];
                length += lace;
                if (lace < 255)
                {
                    complete = true;
                    break;
                }
            }

            _bodyPosition += length;
            if (!_inPacket && complete)
            {
                if (length > maxSize)
                {
                    throw new InvalidAudioException("Packet is too large.");
                }

                packet = _body.AsMemory(start, length);
                return true;
            }

            // The packet spans pages: gather it into its own buffer.
            if (_packetLength + length > maxSize)
            {
                throw new InvalidAudioException("Packet is too large.");
            }

            if (_packetLength + length > _packet.Length)
            {
                Array.Resize(ref _packet, Math.Min(maxSize, Math.Max(_packet.Length * 2, _packetLength + length)));
            }

            _body.AsSpan(start, length).CopyTo(_packet.AsSpan(_packetLength));
            _packetLength += length;
            _inPacket = !complete;
            if (complete)
            {
                packet = _packet.AsMemory(0, _packetLength);
                _packetLength = 0;
                return true;
            }
        }
    }

    private bool LoadNextPage()
    {
        if (_pageLoaded)
        {
            // Every packet completed on the previous page has been counted: its granule may not claim more.
            if (_pageGranule != -1 && _pageGranule > _samples)
            {
                throw new InvalidAudioException("Granule position is beyond the audio in the stream.");
            }

            if (_pageIsLast)
            {
                Finish();
                return false;
            }
        }
        else if (IsCompleted)
        {
            return false;
        }

        var got = Read(_header, PageHeaderSize);
        if (got == 0)
        {
            throw new InvalidAudioException(_firstPage ? "Input is empty." : "Stream ends without an end-of-stream page.");
        }

        var magic = Math.Min(got, 4);
        if (!_header.AsSpan(0, magic).SequenceEqual("OggS"u8[..magic]))
        {
            throw new InvalidAudioException(_firstPage ? "Not an Ogg stream." : "Lost Ogg page sync.");
        }

        if (got < PageHeaderSize)
        {
            throw new InvalidAudioException("Truncated Ogg page header.");
        }

        if (_header[4] != 0)
        {
            throw new InvalidAudioException("Unsupported Ogg version.");
        }

        var flags = _header[5];
        if ((flags & ~0x07) != 0)
        {
            throw new InvalidAudioException("Unknown Ogg page flags.");
        }

        var continued = (flags & 0x01) != 0;
        var first = (flags & 0x02) != 0;
        var last = (flags & 0x04) != 0;
        var granule = BinaryPrimitives.ReadInt64LittleEndian(_header.AsSpan(6));
        var serial = BinaryPrimitives.ReadInt32LittleEndian(_header.AsSpan(14));
        var sequence = BinaryPrimitives.ReadUInt32LittleEndian(_header.AsSpan(18));
        var storedCrc = BinaryPrimitives.ReadUInt32LittleEndian(_header.AsSpan(22));
        _segmentCount = _header[26];

        if (Read(_segments, _segmentCount) < _segmentCount)
        {
            throw new InvalidAudioException("Truncated Ogg segment table.");
        }

        var bodyLength = 0;
        for (var i = 0; i < _segmentCount; i++)
        {
            bodyLength += _segments[i];
        }

        if (Read(_body, bodyLength) < bodyLength)
        {
            throw new InvalidAudioException("Truncated Ogg page.");
        }

        BinaryPrimitives.WriteUInt32LittleEndian(_header.AsSpan(22), 0);
        var crc = OggCrc.Update(0, _header);
        crc = OggCrc.Update(crc, _segments.AsSpan(0, _segmentCount));
        crc = OggCrc.Update(crc, _body.AsSpan(0, bodyLength));
        if (crc != storedCrc)
        {
            throw new InvalidAudioException("Ogg page checksum mismatch.");
        }

        if (_firstPage)
        {
            if (!first)
            {
                throw new InvalidAudioException("First Ogg page lacks the beginning-of-stream flag.");
            }

            _serial = serial;
            _firstPage = false;
        }
        else
        {
            if (first || serial != _serial)
            {
                throw new InvalidAudioException("Multiplexed or chained Ogg streams are not supported.");
            }

            if (sequence != _nextSequence)
            {
                throw new InvalidAudioException("Ogg page sequence gap: a page is missing or repeated.");
            }
        }

        _nextSequence = sequence + 1;

        if (continued != _inPacket)
        {
            throw new InvalidAudioException(continued ? "Page continues a packet that never started." : "Packet cut off at a page boundary.");
        }

        if (granule != -1)
        {
            if (granule < _lastGranule)
            {
                throw new InvalidAudioException("Granule position goes backwards.");
            }

            if (granule - _preSkip > _limits.MaxSamples48k)
            {
                throw new AudioLimitExceededException("Audio is longer than allowed.");
            }

            _lastGranule = granule;
        }

        _pagesRead++;
        _pageGranule = granule;
        _pageIsLast = last;
        _segmentIndex = 0;
        _bodyPosition = 0;
        _pageLoaded = true;
        return true;
    }

    private void Finish()
    {
        _pageLoaded = false;
        if (_inPacket)
        {
            throw new InvalidAudioException("Last packet is cut off at the end of the stream.");
        }

        if (!_haveHead)
        {
            throw new InvalidAudioException("Stream ends before its headers.");
        }

        if (_audioPackets == 0)
        {
            throw new InvalidAudioException("Stream holds no audio.");
        }

        if (_pageGranule == -1 || _pageGranule < Head.PreSkip)
        {
            throw new InvalidAudioException("Final granule position is invalid.");
        }

        // Anything after the end-of-stream page would be a chained stream or junk we refuse to ignore.
        Span<byte> probe = stackalloc byte[1];
        if (_input.Read(probe) != 0)
        {
            throw new InvalidAudioException("Data after the end of the Ogg stream.");
        }

        _durationSamples = _pageGranule - Head.PreSkip;
    }

    private int Read(byte[] buffer, int count) => _reader.Fill(buffer.AsSpan(0, count));

    private static OpusHead ParseHead(ReadOnlySpan<byte> p)
    {
        if (p.Length < 8 || !p[..8].SequenceEqual("OpusHead"u8))
        {
            throw new InvalidAudioException("Not an Ogg Opus stream (no OpusHead).");
        }

        if (p.Length < 19)
        {
            throw new InvalidAudioException("OpusHead is truncated.");
        }

        // RFC 7845 would let a reader accept minor versions 2-15; every encoder writes 1, and an upload
        // claiming anything else is more likely hostile than from the future.
        var version = p[8];
        if (version != 1)
        {
            throw new InvalidAudioException("Unsupported OpusHead version.");
        }

        int channels = p[9];
        if (channels is not (1 or 2))
        {
            throw new InvalidAudioException("Only mono or stereo Opus is accepted.");
        }

        var preSkip = BinaryPrimitives.ReadUInt16LittleEndian(p[10..]);
        var inputRate = BinaryPrimitives.ReadUInt32LittleEndian(p[12..]);
        var gain = BinaryPrimitives.ReadInt16LittleEndian(p[16..]);
        int family = p[18];
        switch (family)
        {
            case 0:
                break;
            case 1:
            {
                if (p.Length < 21 + channels)
                {
                    throw new InvalidAudioException("OpusHead channel mapping table is truncated.");
                }

                int streams = p[19];
                int coupled = p[20];
                if (streams == 0 || coupled > streams)
                {
                    throw new InvalidAudioException("OpusHead stream counts are invalid.");
                }

                foreach (var mapping in p.Slice(21, channels))
                {
                    if (mapping != 255 && mapping >= streams + coupled)
                    {
                        throw new InvalidAudioException("OpusHead channel mapping is invalid.");
                    }
                }

                // Several streams would need the multistream decoder and self-delimited framing.
                if (streams != 1)
                {
                    throw new InvalidAudioException("Multistream Opus is not supported.");
                }

                break;
            }

            default:
                throw new InvalidAudioException("Unsupported Opus channel mapping family.");
        }

        return new OpusHead(version, channels, preSkip, inputRate, gain, family);
    }

    private static string ParseTags(ReadOnlySpan<byte> p)
    {
        if (p.Length < 16 || !p[..8].SequenceEqual("OpusTags"u8))
        {
            throw new InvalidAudioException("Missing OpusTags.");
        }

        var rest = p[8..];
        var vendorLength = BinaryPrimitives.ReadUInt32LittleEndian(rest);
        rest = rest[4..];
        if (vendorLength > (uint)rest.Length - 4)
        {
            throw new InvalidAudioException("OpusTags vendor string is truncated.");
        }

        var vendor = Encoding.UTF8.GetString(rest[..(int)vendorLength]);
        rest = rest[(int)vendorLength..];
        var count = BinaryPrimitives.ReadUInt32LittleEndian(rest);
        rest = rest[4..];
        for (uint i = 0; i < count; i++)
        {
            if (rest.Length < 4)
            {
                throw new InvalidAudioException("OpusTags comment list is truncated.");
            }

            var length = BinaryPrimitives.ReadUInt32LittleEndian(rest);
            rest = rest[4..];
            if (length > (uint)rest.Length)
            {
                throw new InvalidAudioException("OpusTags comment is truncated.");
            }

            rest = rest[(int)length..];
        }

        return vendor;
    }
}
