using System.Text;
using Chaos.Errors;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Chaos.Api.Attachments;

/// <summary>
/// Streams a <c>multipart/form-data</c> body section by section (never a whole file in memory) into a staging directory,
/// counting bytes as they arrive: a file over 25 MiB, a body over 50 MiB of files or an eleventh file stops the read at
/// once with a problem. A body that ends before its closing boundary is <c>validation_failed</c>; either way the
/// caller's <see cref="StagedUpload"/> removes what was staged (docs/api.md#attachments).
/// </summary>
public static class MultipartUploadReader
{
    public const long MaxFileBytes = 25L * 1024 * 1024;
    public const long MaxTotalBytes = 50L * 1024 * 1024;

    /// <summary>Multipart framing allowed on top of the files: boundaries, part headers and the text parts.</summary>
    public const long FramingAllowance = 1024 * 1024;

    private const int MaxTextPartBytes = 64 * 1024;
    private const int MaxBoundaryLength = 70;
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The boundary of a <c>multipart/form-data</c> content type; otherwise <c>unsupported_media</c>.</summary>
    public static string Boundary(string? contentType)
    {
        if (MediaTypeHeaderValue.TryParse(contentType, out var media) && media.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            var boundary = HeaderUtilities.RemoveQuotes(media.Boundary).Value;
            if (!string.IsNullOrWhiteSpace(boundary) && boundary.Length <= MaxBoundaryLength)
            {
                return boundary;
            }
        }

        throw new ChaosException(ErrorCodes.UnsupportedMedia, "Attachments are uploaded as multipart/form-data with a boundary of 1–70 characters.");
    }

    public static async Task ReadAsync(Stream body, string boundary, StagedUpload upload, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(upload);
        var reader = new MultipartReader(boundary, body) { HeadersCountLimit = 16, HeadersLengthLimit = 16 * 1024 };
        long total = 0;
        try
        {
            Directory.CreateDirectory(upload.Directory);
            while (await reader.ReadNextSectionAsync(ct) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
                {
                    throw Malformed("Every part needs a Content-Disposition: form-data header.");
                }

                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value;
                if (name == "files")
                {
                    if (upload.Files.Count == Chaos.Messages.MessageRules.MaxAttachments)
                    {
                        throw ChaosException.Validation("files", $"A message carries 1–{Chaos.Messages.MessageRules.MaxAttachments} files.");
                    }

                    var filename = disposition.FileNameStar.HasValue ? disposition.FileNameStar.Value : HeaderUtilities.RemoveQuotes(disposition.FileName).Value;
                    var staged = await StageFileAsync(section.Body, upload, FilenameSanitizer.Sanitize(filename), MaxTotalBytes - total, ct);
                    total += staged.Size;
                    upload.Files.Add(staged);
                }
                else if (name is "content" or "nonce" or "replyToId")
                {
                    var text = await ReadTextAsync(section.Body, name, ct);
                    switch (name)
                    {
                        case "content": upload.Content = text; break;
                        case "nonce": upload.Nonce = text; break;
                        default: upload.ReplyToId = text; break;
                    }
                }
                else
                {
                    throw ChaosException.Validation(name ?? "part", "Only parts named files, content, nonce and replyToId are accepted.");
                }
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw new ChaosException(ErrorCodes.PayloadTooLarge, "The upload is larger than 50 MiB of files allow.");
        }
        catch (IOException e) when (e is not FileNotFoundException)
        {
            // MultipartReader's "Unexpected end of Stream": the body stopped before its closing boundary.
            throw Malformed("The multipart body ended before its closing boundary: " + e.Message);
        }
        catch (InvalidDataException e)
        {
            throw Malformed(e.Message);
        }
    }

    private static async Task<StagedFile> StageFileAsync(Stream section, StagedUpload upload, string filename, long totalLeft, CancellationToken ct)
    {
        var path = Path.Combine(upload.Directory, (upload.Files.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var head = new byte[ContentSniffer.HeadBytes];
        var headLength = 0;
        long size = 0;
        var buffer = new byte[81920];
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 0, Options = FileOptions.Asynchronous };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var file = new FileStream(path, options))
        {
            int read;
            while ((read = await section.ReadAsync(buffer, ct)) > 0)
            {
                size += read;
                if (size > MaxFileBytes)
                {
                    throw new ChaosException(ErrorCodes.PayloadTooLarge, "Each file is at most 25 MiB.");
                }

                if (size > totalLeft)
                {
                    throw new ChaosException(ErrorCodes.PayloadTooLarge, "The files of one message are at most 50 MiB together.");
                }

                if (headLength < head.Length)
                {
                    var take = Math.Min(read, head.Length - headLength);
                    buffer.AsSpan(0, take).CopyTo(head.AsSpan(headLength));
                    headLength += take;
                }

                await file.WriteAsync(buffer.AsMemory(0, read), ct);
            }
        }

        if (size == 0)
        {
            throw ChaosException.Validation("files", "A file is at least 1 byte.");
        }

        return new StagedFile(path, filename, size, head[..headLength]);
    }

    private static async Task<string> ReadTextAsync(Stream section, string name, CancellationToken ct)
    {
        using var memory = new MemoryStream();
        var buffer = new byte[4096];
        int read;
        while ((read = await section.ReadAsync(buffer, ct)) > 0)
        {
            if (memory.Length + read > MaxTextPartBytes)
            {
                throw ChaosException.Validation(name, $"The {name} part is at most {MaxTextPartBytes / 1024} KiB.");
            }

            memory.Write(buffer, 0, read);
        }

        try
        {
            return StrictUtf8.GetString(memory.GetBuffer(), 0, (int)memory.Length);
        }
        catch (DecoderFallbackException)
        {
            throw ChaosException.Validation(name, $"The {name} part must be UTF-8 text.");
        }
    }

    private static ChaosException Malformed(string detail) => ChaosException.Validation("body", detail);
}
