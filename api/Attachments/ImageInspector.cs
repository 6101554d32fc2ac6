using Chaos.Errors;
using Microsoft.Extensions.Options;
using SkiaSharp;

namespace Chaos.Api.Attachments;

/// <summary>
/// Dimensions and a thumbnail of an uploaded PNG, JPEG, GIF (first frame) or WebP, with SkiaSharp
/// (docs/architecture.md#attachments). The declared canvas is read from the header first and refused over
/// <see cref="AttachmentOptions.MaxImagePixels"/> before anything is decoded; JPEG and WebP decode at a reduced scale when
/// the codec can; at most <see cref="AttachmentOptions.MaxConcurrentDecodes"/> decodes run at once.
/// </summary>
public sealed class ImageInspector(IOptions<AttachmentOptions> options)
{
    public const int ThumbnailMax = 256;
    private readonly SemaphoreSlim decodes = new(options.Value.MaxConcurrentDecodes);

    /// <exception cref="ChaosException"><c>payload_too_large</c> for a canvas over the bound, <c>unsupported_media</c> for an image that does not decode.</exception>
    public async Task<ImageFacts> InspectAsync(string path, ReadOnlyMemory<byte> head, string contentType, CancellationToken cancellationToken)
    {
        var declared = ImageHeader.Read(head.Span, contentType);
        if (declared is { } size)
        {
            RequireWithinBound(size.Width, size.Height);
        }
        else if (contentType != ContentSniffer.Jpeg)
        {
            // JPEG's size may sit behind a large EXIF block; the codec's header read below finds it. The others have it
            // at a fixed place, so a missing one is a broken file.
            throw NotAnImage();
        }

        await decodes.WaitAsync(cancellationToken);
        try
        {
            return Decode(path);
        }
        finally
        {
            decodes.Release();
        }
    }

    private ImageFacts Decode(string path)
    {
        using var file = File.OpenRead(path);
        using var codec = SKCodec.Create(file, out _) ?? throw NotAnImage();
        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if (width <= 0 || height <= 0)
        {
            throw NotAnImage();
        }

        // The codec's own reading of the header counts too (a JPEG's SOF, a GIF whose frame is larger than its screen).
        RequireWithinBound(width, height);
        var scale = Math.Min(1f, (float)ThumbnailMax / Math.Max(width, height));
        var scaled = codec.GetScaledDimensions(scale);
        var decodeInfo = new SKImageInfo(scaled.Width, scaled.Height, SKColorType.Rgba8888, SKAlphaType.Premul);
        using var decoded = new SKBitmap(decodeInfo);
        var result = codec.GetPixels(decodeInfo, decoded.GetPixels());
        if (result is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
        {
            throw NotAnImage();
        }

        var (thumbWidth, thumbHeight) = Fit(width, height);
        using var thumbnail = thumbWidth == decoded.Width && thumbHeight == decoded.Height
            ? decoded.Copy()
            : decoded.Resize(new SKImageInfo(thumbWidth, thumbHeight, SKColorType.Rgba8888, SKAlphaType.Premul), new SKSamplingOptions(SKCubicResampler.Mitchell));
        if (thumbnail is null)
        {
            throw NotAnImage();
        }

        using var image = SKImage.FromBitmap(thumbnail);
        using var webp = image.Encode(SKEncodedImageFormat.Webp, 80);
        if (webp is not null)
        {
            return new ImageFacts(width, height, webp.ToArray(), "image/webp");
        }

        using var png = image.Encode(SKEncodedImageFormat.Png, 100) ?? throw NotAnImage();
        return new ImageFacts(width, height, png.ToArray(), "image/png");
    }

    /// <summary>The thumbnail's size: the image scaled to fit 256×256, never enlarged, at least 1 px each way.</summary>
    public static (int Width, int Height) Fit(int width, int height)
    {
        var scale = Math.Min(1.0, (double)ThumbnailMax / Math.Max(width, height));
        return (Math.Max(1, (int)Math.Round(width * scale)), Math.Max(1, (int)Math.Round(height * scale)));
    }

    private void RequireWithinBound(int width, int height)
    {
        if ((long)width * height > options.Value.MaxImagePixels)
        {
            throw new ChaosException(ErrorCodes.PayloadTooLarge, $"The image declares {width}×{height} pixels; at most {options.Value.MaxImagePixels:N0} pixels are accepted.");
        }
    }

    private static ChaosException NotAnImage() => new(ErrorCodes.UnsupportedMedia, "The file starts like an image but does not decode as one.");
}
