using System.Buffers.Binary;

namespace Chaos.Api.Attachments;

/// <summary>
/// The canvas size an image declares in its first bytes (PNG IHDR, GIF logical screen, WebP VP8/VP8L/VP8X, JPEG SOFn),
/// read without decoding, so a decompression bomb is refused before any pixel memory is allocated
/// (docs/architecture.md#attachments).
/// </summary>
public static class ImageHeader
{
    /// <summary>The declared width and height, or null when the header is malformed or not where it should be.</summary>
    public static (int Width, int Height)? Read(ReadOnlySpan<byte> head, string contentType) => contentType switch
    {
        ContentSniffer.Png => Png(head),
        ContentSniffer.Gif => head.Length >= 10 ? (BinaryPrimitives.ReadUInt16LittleEndian(head[6..]), BinaryPrimitives.ReadUInt16LittleEndian(head[8..])) : null,
        ContentSniffer.Webp => Webp(head),
        ContentSniffer.Jpeg => Jpeg(head),
        _ => null,
    };

    private static (int, int)? Png(ReadOnlySpan<byte> head)
    {
        // Signature (8), chunk length (4), "IHDR", width (4, big-endian), height (4).
        if (head.Length < 24 || !head[12..16].SequenceEqual("IHDR"u8))
        {
            return null;
        }

        var width = BinaryPrimitives.ReadUInt32BigEndian(head[16..]);
        var height = BinaryPrimitives.ReadUInt32BigEndian(head[20..]);
        return width is 0 or > int.MaxValue || height is 0 or > int.MaxValue ? null : ((int)width, (int)height);
    }

    private static (int, int)? Webp(ReadOnlySpan<byte> head)
    {
        if (head.Length < 30)
        {
            return null;
        }

        var chunk = head[12..16];
        var data = head[20..];
        if (chunk.SequenceEqual("VP8X"u8))
        {
            // Canvas width-1 and height-1 as 24-bit little-endian after 4 bytes of flags.
            var width = 1 + (data[4] | (data[5] << 8) | (data[6] << 16));
            var height = 1 + (data[7] | (data[8] << 8) | (data[9] << 16));
            return (width, height);
        }

        if (chunk.SequenceEqual("VP8L"u8))
        {
            // Signature 0x2f, then 14 bits width-1 and 14 bits height-1.
            var bits = BinaryPrimitives.ReadUInt32LittleEndian(data[1..]);
            return (1 + (int)(bits & 0x3FFF), 1 + (int)((bits >> 14) & 0x3FFF));
        }

        if (chunk.SequenceEqual("VP8 "u8))
        {
            // Frame tag (3), start code 9d 01 2a (3), then 14-bit width and height.
            return (BinaryPrimitives.ReadUInt16LittleEndian(data[6..]) & 0x3FFF, BinaryPrimitives.ReadUInt16LittleEndian(data[8..]) & 0x3FFF);
        }

        return null;
    }

    private static (int, int)? Jpeg(ReadOnlySpan<byte> head)
    {
        var at = 2;
        while (at + 4 <= head.Length)
        {
            if (head[at] != 0xFF)
            {
                return null;
            }

            var marker = head[at + 1];
            if (marker == 0xFF)
            {
                at++;
                continue;
            }

            if (marker is 0xD8 or 0x01 or (>= 0xD0 and <= 0xD7))
            {
                at += 2;
                continue;
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(head[(at + 2)..]);
            if (length < 2)
            {
                return null;
            }

            // SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC): precision (1), height (2), width (2).
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                return at + 9 <= head.Length ? (BinaryPrimitives.ReadUInt16BigEndian(head[(at + 7)..]), BinaryPrimitives.ReadUInt16BigEndian(head[(at + 5)..])) : null;
            }

            at += 2 + length;
        }

        return null;
    }
}
