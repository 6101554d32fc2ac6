using System.Buffers.Binary;
using Chaos.Audio;

namespace Chaos.Tests.Audio;

/// <summary>Builds test audio in memory: PCM signals, WAV files, Ogg Opus files and raw Ogg pages.</summary>
internal static class AudioFixtures
{
    public static AudioLimits Limits { get; } = new(16 * 1024 * 1024, TimeSpan.FromMinutes(10));

    public static short[] Sine(int sampleRate, double seconds, double frequency = 440, double amplitude = 0.5, int channels = 1)
    {
        var frames = (int)Math.Round(sampleRate * seconds);
        var pcm = new short[frames * channels];
        for (var i = 0; i < frames; i++)
        {
            var v = (short)Math.Round(amplitude * short.MaxValue * Math.Sin(2 * Math.PI * frequency * i / sampleRate));
            for (var c = 0; c < channels; c++)
            {
                pcm[(i * channels) + c] = v;
            }
        }

        return pcm;
    }

    /// <summary>Loud 1 s, quiet 1 s, loud 1 s at 48 kHz mono.</summary>
    public static short[] LoudQuietLoud()
    {
        var loud = Sine(48000, 1, 300, 0.8);
        var quiet = Sine(48000, 1, 300, 0.01);
        return [.. loud, .. quiet, .. loud];
    }

    public static byte[] Wav(short[] interleaved, int sampleRate, int channels) =>
        WavRaw(formatTag: 1, channels, sampleRate, bitsPerSample: 16, SamplesToBytes(interleaved));

    public static byte[] SamplesToBytes(short[] samples)
    {
        var bytes = new byte[samples.Length * 2];
        for (var i = 0; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(i * 2), samples[i]);
        }

        return bytes;
    }

    public static byte[] WavRaw(ushort formatTag, int channels, int sampleRate, int bitsPerSample, byte[] data, uint? dataSize = null, byte[]? extraChunkBefore = null)
    {
        var blockAlign = channels * bitsPerSample / 8;
        var fmt = new byte[16];
        BinaryPrimitives.WriteUInt16LittleEndian(fmt, formatTag);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(2), (ushort)channels);
        BinaryPrimitives.WriteUInt32LittleEndian(fmt.AsSpan(4), (uint)sampleRate);
        BinaryPrimitives.WriteUInt32LittleEndian(fmt.AsSpan(8), (uint)(sampleRate * blockAlign));
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(12), (ushort)blockAlign);
        BinaryPrimitives.WriteUInt16LittleEndian(fmt.AsSpan(14), (ushort)bitsPerSample);
        return Riff([.. extraChunkBefore ?? [], .. Chunk("fmt ", fmt), .. Chunk("data", data, dataSize)]);
    }

    public static byte[] Riff(byte[] chunks)
    {
        var result = new byte[12 + chunks.Length];
        "RIFF"u8.CopyTo(result);
        BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(4), (uint)(4 + chunks.Length));
        "WAVE"u8.CopyTo(result.AsSpan(8));
        chunks.CopyTo(result, 12);
        return result;
    }

    /// <summary>A RIFF chunk, padded to an even length as RIFF requires.</summary>
    public static byte[] Chunk(string id, byte[] body, uint? declaredSize = null)
    {
        var padded = body.Length + (body.Length & 1);
        var result = new byte[8 + padded];
        System.Text.Encoding.ASCII.GetBytes(id).CopyTo(result, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(result.AsSpan(4), declaredSize ?? (uint)body.Length);
        body.CopyTo(result, 8);
        return result;
    }

    /// <summary>Encodes 48 kHz mono PCM to Ogg Opus with the library's own encoder and writer.</summary>
    public static byte[] OggOpus(short[] pcm, int frameSize = 960, int? serial = 1234)
    {
        using var output = new MemoryStream();
        using var encoder = new OpusEncoder(1, OpusApplication.Voip) { Bitrate = 32000 };
        var writer = new OggOpusWriter(output, 1, encoder.Lookahead, serial: serial);
        var packet = new byte[OpusEncoder.MaxPacketSize];
        var frame = new short[frameSize];
        long encoded = 0;
        for (var offset = 0; offset < pcm.Length || encoded < encoder.Lookahead + pcm.Length; offset += frameSize)
        {
            Array.Clear(frame);
            if (offset < pcm.Length)
            {
                pcm.AsSpan(offset, Math.Min(frameSize, pcm.Length - offset)).CopyTo(frame);
            }

            var length = encoder.Encode(frame, packet);
            writer.WritePacket(packet.AsSpan(0, length));
            encoded += frameSize;
        }

        writer.Complete(pcm.Length);
        return output.ToArray();
    }

    /// <summary>Splits an Ogg stream into its pages (header, segment table and body each).</summary>
    public static List<byte[]> Pages(byte[] ogg)
    {
        var pages = new List<byte[]>();
        var pos = 0;
        while (pos < ogg.Length)
        {
            int segments = ogg[pos + 26];
            var body = 0;
            for (var i = 0; i < segments; i++)
            {
                body += ogg[pos + 27 + i];
            }

            var length = 27 + segments + body;
            pages.Add(ogg.AsSpan(pos, length).ToArray());
            pos += length;
        }

        return pages;
    }

    public static byte[] Join(IEnumerable<byte[]> pages) => [.. pages.SelectMany(p => p)];

    /// <summary>Recomputes a page's CRC after a test has edited it, so only the intended defect remains.</summary>
    public static byte[] Reseal(byte[] page)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(page.AsSpan(22), 0);
        var crc = OggCrc.Update(0, page);
        BinaryPrimitives.WriteUInt32LittleEndian(page.AsSpan(22), crc);
        return page;
    }

    /// <summary>Offset of a page's body (after the header and the segment table).</summary>
    public static int BodyOffset(byte[] page) => 27 + page[26];

    /// <summary>Builds one raw Ogg page holding whole packets, with a valid CRC.</summary>
    public static byte[] Page(byte flags, long granule, int serial, int sequence, params byte[][] packets)
    {
        var lacing = new List<byte>();
        foreach (var packet in packets)
        {
            var length = packet.Length;
            while (length >= 255)
            {
                lacing.Add(255);
                length -= 255;
            }

            lacing.Add((byte)length);
        }

        var page = new byte[27 + lacing.Count + packets.Sum(p => p.Length)];
        "OggS"u8.CopyTo(page);
        page[5] = flags;
        BinaryPrimitives.WriteInt64LittleEndian(page.AsSpan(6), granule);
        BinaryPrimitives.WriteInt32LittleEndian(page.AsSpan(14), serial);
        BinaryPrimitives.WriteInt32LittleEndian(page.AsSpan(18), sequence);
        page[26] = (byte)lacing.Count;
        lacing.ToArray().CopyTo(page, 27);
        var pos = 27 + lacing.Count;
        foreach (var packet in packets)
        {
            packet.CopyTo(page, pos);
            pos += packet.Length;
        }

        return Reseal(page);
    }

    public static byte[] OpusHeadPacket(byte version = 1, byte channels = 1, ushort preSkip = 312, byte family = 0)
    {
        var head = new byte[19];
        "OpusHead"u8.CopyTo(head);
        head[8] = version;
        head[9] = channels;
        BinaryPrimitives.WriteUInt16LittleEndian(head.AsSpan(10), preSkip);
        BinaryPrimitives.WriteUInt32LittleEndian(head.AsSpan(12), 48000);
        head[18] = family;
        return head;
    }

    public static byte[] OpusTagsPacket()
    {
        var tags = new byte[16];
        "OpusTags"u8.CopyTo(tags);
        return tags;
    }

    /// <summary>A 20 ms CELT fullband silence-ish frame: config 31, code 0, a few payload bytes.</summary>
    public static byte[] SmallOpusPacket() => [0xF8, 0xFF, 0xFE];

    public static double Correlation(ReadOnlySpan<short> a, ReadOnlySpan<short> b)
    {
        double ab = 0, aa = 0, bb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            ab += (double)a[i] * b[i];
            aa += (double)a[i] * a[i];
            bb += (double)b[i] * b[i];
        }

        return ab / Math.Sqrt(aa * bb);
    }

    public static double Rms(ReadOnlySpan<short> samples)
    {
        double sum = 0;
        foreach (var s in samples)
        {
            sum += (double)s * s;
        }

        return Math.Sqrt(sum / samples.Length);
    }
}
