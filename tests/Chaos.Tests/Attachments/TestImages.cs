using System.Buffers.Binary;
using SkiaSharp;

namespace Chaos.Tests.Attachments;

/// <summary>Images for upload tests: real encodes made with SkiaSharp, and hand-made headers that lie about their size.</summary>
internal static class TestImages
{
    public static byte[] Encode(int width, int height, SKEncodedImageFormat format)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.CornflowerBlue);
            using var paint = new SKPaint { Color = SKColors.Orange };
            canvas.DrawRect(0, 0, width / 2f, height / 2f, paint);
        }

        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, 90);
        return data.ToArray();
    }

    /// <summary>A 1×1 GIF89a (a hand-written minimal file).</summary>
    public static byte[] TinyGif() =>
    [
        .. "GIF89a"u8, 1, 0, 1, 0, 0x80, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF,
        0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0x02, 0x02, 0x44, 0x01, 0, 0x3B,
    ];

    /// <summary>
    /// A PNG whose IHDR (with a correct CRC) declares <paramref name="width"/>×<paramref name="height"/> pixels, followed by
    /// a tiny deflate stream of zeros: a decompression bomb's shape, a few hundred bytes on the wire.
    /// </summary>
    public static byte[] PngBomb(uint width, uint height)
    {
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteUInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 0; // greyscale
        Chunk(png, "IHDR", ihdr);
        using (var deflated = new MemoryStream())
        {
            using (var zlib = new System.IO.Compression.ZLibStream(deflated, System.IO.Compression.CompressionLevel.SmallestSize, leaveOpen: true))
            {
                zlib.Write(new byte[64 * 1024]);
            }

            Chunk(png, "IDAT", deflated.ToArray());
        }

        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>A GIF whose logical screen declares 65535×65535 pixels.</summary>
    public static byte[] GifBomb()
    {
        var gif = TinyGif();
        gif[6] = gif[7] = gif[8] = gif[9] = 0xFF;
        gif[24] = gif[25] = gif[26] = gif[27] = 0xFF; // the image descriptor's width and height
        return gif;
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        var header = new byte[8];
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)data.Length);
        System.Text.Encoding.ASCII.GetBytes(type, header.AsSpan(4));
        png.Write(header);
        png.Write(data);
        var value = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(value, Crc32([.. header.AsSpan(4), .. data]));
        png.Write(value);
    }

    /// <summary>PNG's CRC-32 (ISO-HDLC, reflected polynomial 0xEDB88320).</summary>
    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
