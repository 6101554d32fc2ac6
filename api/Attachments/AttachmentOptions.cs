using System.ComponentModel.DataAnnotations;

namespace Chaos.Api.Attachments;

/// <summary><c>Chaos:Attachments</c>: the image bound and where uploads wait while they are read (docs/operations.md#blob-storage).</summary>
public sealed class AttachmentOptions
{
    public const string Section = "Chaos:Attachments";

    /// <summary>
    /// Images whose header declares more pixels than this are refused (413) before a byte is decoded: a small file can
    /// declare a huge canvas (a decompression bomb), and decoding costs 4 bytes per pixel.
    /// </summary>
    [Range(1, 400_000_000)]
    public long MaxImagePixels { get; set; } = 40_000_000;

    /// <summary>Images decoded at once per process (for dimensions and thumbnails); bounds the decoder's memory.</summary>
    [Range(1, 64)]
    public int MaxConcurrentDecodes { get; set; } = 2;

    /// <summary>The directory uploads stream to before they are checked and stored; unset, <c>chaos-uploads</c> in the temp folder.</summary>
    public string? StagingPath { get; set; }
}
