using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Chaos.Audio;

/// <summary>
/// Writes a single-stream Ogg Opus file (RFC 7845) page by page, so output never has to be held whole.
/// The last page is kept back until <see cref="Complete"/> because only then is it known to be the one
/// that carries the end-of-stream flag and the trimmed final granule position.
/// </summary>
public sealed class OggOpusWriter
{
    private const int MaxSegments = 255;
    private const int MaxBodySize = 255 * 255;

    /// <summary>Pages are closed after about a second of audio so players can seek and show progress.</summary>
    private const int TargetPageSamples = 48000;

    private readonly Stream _output;
    private readonly int _serial;
    private readonly byte[] _segments = new byte[MaxSegments];
    private readonly byte[] _body = new byte[MaxBodySize];
    private readonly byte[] _header = new byte[27];
    private int _segmentCount;
    private int _bodyLength;
    private int _pendingPackets;
    private long _pendingSamples;
    private int _sequence;
    private long _granule;
    private long _lastFlushedGranule;
    private bool _completed;

    /// <param name="output">Where pages are written; not disposed by the writer.</param>
    /// <param name="channels">Channel count of the encoded packets, 1 or 2.</param>
    /// <param name="preSkip">Encoder delay in 48 kHz samples (<see cref="OpusEncoder.Lookahead"/>).</param>
    /// <param name="inputSampleRate">Rate of the original audio, recorded for information only.</param>
    /// <param name="vendor">Vendor string written to OpusTags.</param>
    /// <param name="serial">Stream serial; random when null, as RFC 3533 recommends.</param>
    public OggOpusWriter(Stream output, int channels, int preSkip, int inputSampleRate = 48000, string vendor = "Chaos.Audio", int? serial = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(vendor);
        if (channels is not (1 or 2))
        {
            throw new ArgumentOutOfRangeException(nameof(channels), channels, "Only mono and stereo are written.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(preSkip);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(preSkip, ushort.MaxValue);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputSampleRate);

        _output = output;
        _serial = serial ?? RandomNumberGenerator.GetInt32(int.MaxValue);
        PreSkip = preSkip;

        Span<byte> head = stackalloc byte[19];
        "OpusHead"u8.CopyTo(head);
        head[8] = 1;
        head[9] = (byte)channels;
        BinaryPrimitives.WriteUInt16LittleEndian(head[10..], (ushort)preSkip);
        BinaryPrimitives.WriteUInt32LittleEndian(head[12..], (uint)inputSampleRate);
        BinaryPrimitives.WriteInt16LittleEndian(head[16..], 0);
        head[18] = 0;
        AddToPage(head);
        FlushPage(flags: 0x02, granule: 0);

        var vendorBytes = Encoding.UTF8.GetBytes(vendor);
        var tags = new byte[8 + 4 + vendorBytes.Length + 4];
        "OpusTags"u8.CopyTo(tags);
        BinaryPrimitives.WriteUInt32LittleEndian(tags.AsSpan(8), (uint)vendorBytes.Length);
        vendorBytes.CopyTo(tags.AsSpan(12));
        BinaryPrimitives.WriteUInt32LittleEndian(tags.AsSpan(12 + vendorBytes.Length), 0);
        if (tags.Length > MaxBodySize - 255)
        {
            throw new ArgumentException("Vendor string is too long.", nameof(vendor));
        }

        AddToPage(tags);
        FlushPage(flags: 0, granule: 0);
    }

    public int PreSkip { get; }

    /// <summary>48 kHz samples written so far, including the pre-skip.</summary>
    public long GranulePosition => _granule;

    /// <summary>Appends one Opus packet; its duration is read from its TOC byte.</summary>
    public void WritePacket(ReadOnlySpan<byte> packet)
    {
        if (_completed)
        {
            throw new InvalidOperationException("The stream has already been completed.");
        }

        var validity = OpusPacket.Validate(packet);
        if (validity != OpusPacketValidity.Valid)
        {
            throw new ArgumentException($"Not a valid Opus packet: {validity}.", nameof(packet));
        }

        var samples = OpusPacket.GetDurationSamples(packet);
        var segmentsNeeded = (packet.Length / 255) + 1;
        if (_pendingPackets > 0 && (_segmentCount + segmentsNeeded > MaxSegments || _pendingSamples >= TargetPageSamples))
        {
            FlushPage(flags: 0, _granule);
            _lastFlushedGranule = _granule;
        }

        AddToPage(packet);
        _pendingPackets++;
        _pendingSamples += samples;
        _granule += samples;
    }

    /// <summary>
    /// Writes the final page with the end-of-stream flag.
    /// </summary>
    /// <param name="audioSamples">
    /// The true length of the audio in 48 kHz samples, excluding pre-skip; the final granule position
    /// is trimmed to it so the padding in the last frame is not played. Null keeps every encoded sample.
    /// </param>
    public void Complete(long? audioSamples = null)
    {
        if (_completed)
        {
            return;
        }

        var finalGranule = _granule;
        if (audioSamples is { } samples)
        {
            finalGranule = PreSkip + samples;
            if (finalGranule > _granule || finalGranule < _lastFlushedGranule || samples < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(audioSamples), samples, "Trimmed length must fall within the last page.");
            }
        }

        FlushPage(flags: 0x04, finalGranule);
        _completed = true;
        _output.Flush();
    }

    private void AddToPage(ReadOnlySpan<byte> packet)
    {
        var length = packet.Length;
        while (true)
        {
            var lace = Math.Min(length, 255);
            _segments[_segmentCount++] = (byte)lace;
            length -= lace;
            if (lace < 255)
            {
                break;
            }
        }

        packet.CopyTo(_body.AsSpan(_bodyLength));
        _bodyLength += packet.Length;
    }

    private void FlushPage(byte flags, long granule)
    {
        var header = _header.AsSpan();
        "OggS"u8.CopyTo(header);
        header[4] = 0;
        header[5] = flags;
        BinaryPrimitives.WriteInt64LittleEndian(header[6..], granule);
        BinaryPrimitives.WriteInt32LittleEndian(header[14..], _serial);
        BinaryPrimitives.WriteInt32LittleEndian(header[18..], _sequence++);
        BinaryPrimitives.WriteUInt32LittleEndian(header[22..], 0);
        header[26] = (byte)_segmentCount;

        var crc = OggCrc.Update(0, header);
        crc = OggCrc.Update(crc, _segments.AsSpan(0, _segmentCount));
        crc = OggCrc.Update(crc, _body.AsSpan(0, _bodyLength));
        BinaryPrimitives.WriteUInt32LittleEndian(header[22..], crc);

        _output.Write(header);
        _output.Write(_segments, 0, _segmentCount);
        _output.Write(_body, 0, _bodyLength);
        _segmentCount = 0;
        _bodyLength = 0;
        _pendingPackets = 0;
        _pendingSamples = 0;
    }
}
