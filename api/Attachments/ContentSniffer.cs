using System.Text.Unicode;

namespace Chaos.Api.Attachments;

/// <summary>
/// docs/api.md#attachments: the stored content type comes from the bytes (magic numbers), never from the client. What is
/// not recognised is <c>text/plain; charset=utf-8</c> when its start is valid UTF-8 without NULs, else
/// <c>application/octet-stream</c>. HTML and SVG are never recognised as such: they are served as text, never rendered.
/// </summary>
public static class ContentSniffer
{
    /// <summary>How many leading bytes <see cref="Sniff"/> looks at.</summary>
    public const int HeadBytes = 8192;

    public const string Png = "image/png";
    public const string Jpeg = "image/jpeg";
    public const string Gif = "image/gif";
    public const string Webp = "image/webp";
    public const string Text = "text/plain; charset=utf-8";
    public const string Binary = "application/octet-stream";

    /// <summary>The four formats that get dimensions and a thumbnail.</summary>
    public static bool IsThumbnailable(string contentType) => contentType is Png or Jpeg or Gif or Webp;

    /// <summary>Images, audio and video are shown inline; everything else is a download.</summary>
    public static bool IsInline(string contentType) =>
        contentType.StartsWith("image/", StringComparison.Ordinal) || contentType.StartsWith("audio/", StringComparison.Ordinal) || contentType.StartsWith("video/", StringComparison.Ordinal);

    /// <param name="head">The first <see cref="HeadBytes"/> bytes (fewer when the file is shorter).</param>
    /// <param name="complete">True when <paramref name="head"/> is the whole file (a cut UTF-8 sequence at its end is then an error).</param>
    public static string Sniff(ReadOnlySpan<byte> head, bool complete)
    {
        if (Starts(head, 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A))
        {
            return Png;
        }

        if (Starts(head, 0xFF, 0xD8, 0xFF))
        {
            return Jpeg;
        }

        if (head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8))
        {
            return Gif;
        }

        if (head.Length >= 12 && head.StartsWith("RIFF"u8))
        {
            var form = head[8..12];
            if (form.SequenceEqual("WEBP"u8))
            {
                return Webp;
            }

            if (form.SequenceEqual("WAVE"u8))
            {
                return "audio/wav";
            }

            if (form.SequenceEqual("AVI "u8))
            {
                return "video/x-msvideo";
            }
        }

        if (head.Length >= 12 && head[4..8].SequenceEqual("ftyp"u8))
        {
            var brand = head[8..12];
            return brand.SequenceEqual("M4A "u8) ? "audio/mp4" : brand.SequenceEqual("qt  "u8) ? "video/quicktime" : "video/mp4";
        }

        var magic = Magic(head);
        if (magic is not null)
        {
            return magic;
        }

        return LooksLikeText(head, complete) ? Text : Binary;
    }

    private static string? Magic(ReadOnlySpan<byte> head) => head switch
    {
        _ when head.StartsWith("%PDF-"u8) => "application/pdf",
        _ when head.StartsWith("PK\u0003\u0004"u8) || head.StartsWith("PK\u0005\u0006"u8) => "application/zip",
        _ when head.StartsWith("OggS"u8) => "audio/ogg",
        _ when head.StartsWith("fLaC"u8) => "audio/flac",
        _ when head.StartsWith("ID3"u8) => "audio/mpeg",
        _ when Starts(head, 0x1A, 0x45, 0xDF, 0xA3) => "video/webm",
        _ when Starts(head, 0x1F, 0x8B) => "application/gzip",
        _ when Starts(head, (byte)'7', (byte)'z', 0xBC, 0xAF, 0x27, 0x1C) => "application/x-7z-compressed",
        _ when head.StartsWith("BM"u8) && head.Length >= 26 => "image/bmp",
        _ => null,
    };

    private static bool Starts(ReadOnlySpan<byte> head, params ReadOnlySpan<byte> magic) => head.StartsWith(magic);

    private static bool LooksLikeText(ReadOnlySpan<byte> head, bool complete)
    {
        if (head.Length == 0 || head.Contains((byte)0))
        {
            return head.Length == 0;
        }

        var text = head;
        if (!complete)
        {
            // The head may end inside a multi-byte sequence: drop up to 3 bytes of an unfinished one.
            var cut = text.Length;
            for (var back = 1; back <= 3 && back <= text.Length; back++)
            {
                var b = text[^back];
                if ((b & 0xC0) != 0x80)
                {
                    var need = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
                    if (need > back)
                    {
                        cut = text.Length - back;
                    }

                    break;
                }
            }

            text = text[..cut];
        }

        return Utf8.IsValid(text);
    }
}
