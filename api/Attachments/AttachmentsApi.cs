using System.Globalization;
using System.Security.Claims;
using Chaos.Api.Auth;
using Chaos.Api.Blobs;
using Chaos.Api.Errors;
using Chaos.Api.RateLimits;
using Chaos.Communities;
using Chaos.Errors;
using Chaos.Ids;
using Chaos.Messages;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using P = Chaos.Permissions.Permissions;

namespace Chaos.Api.Attachments;

/// <summary>
/// <c>POST /channels/{id}/attachments</c> and <c>GET /attachments/{id}/{filename}</c> (docs/api.md#attachments). An upload
/// is authorized before a byte of its body is read, streamed part by part to a staging directory under running limits,
/// sniffed, measured and thumbnailed, then stored in the blob store and sent through the channel grain's ordered,
/// durable, nonce-idempotent path. Whatever fails on the way, nothing stays behind: not the staged files, not the blobs.
/// </summary>
public static partial class AttachmentsApi
{
    public static RouteGroupBuilder MapAttachmentsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("").WithTags("Attachments").RequireAuthorization()
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404);
        group.MapPost("/channels/{id}/attachments", UploadAsync).ProducesProblem(413).ProducesProblem(415).ProducesProblem(429)
            .Accepts<IFormFile>("multipart/form-data").DisableAntiforgery()
            .WithMetadata(new RateLimitBucket(RateLimiter.MessagesBucket));
        group.MapGet("/attachments/{id}/{filename}", DownloadAsync);
        return api;
    }

    /// <summary>The URL of a stored blob (its filename escaped as one path segment).</summary>
    public static string UrlOf(long id, string filename) => $"/api/v1/attachments/{id.ToString(CultureInfo.InvariantCulture)}/{Uri.EscapeDataString(filename)}";

    private static async Task<IResult> UploadAsync(
        string id, HttpContext http, ClaimsPrincipal user, IGrainFactory grains, IBlobStore blobs, IIdGenerator ids, ImageInspector images,
        IOptions<AttachmentOptions> options, ILoggerFactory loggers, CancellationToken ct)
    {
        var channelId = RouteIds.Parse(id, "id");
        var boundary = MultipartUploadReader.Boundary(http.Request.ContentType);
        const long maxBody = MultipartUploadReader.MaxTotalBytes + MultipartUploadReader.FramingAllowance;
        if (http.Request.ContentLength > maxBody)
        {
            throw new ChaosException(ErrorCodes.PayloadTooLarge, "The files of one message are at most 50 MiB together.");
        }

        // Authorize before reading a byte of the body.
        var me = user.UserId();
        var channel = grains.GetGrain<IChannelGrain>(channelId);
        await GrainCalls.RetryAsync(() => channel.RequirePermissionsAsync(me, P.ViewChannel | P.SendMessages | P.AttachFiles), idempotent: true, ct);
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            // JSON routes keep Kestrel's 1 MiB; this route counts every file's bytes itself while streaming.
            bodyLimit.MaxRequestBodySize = maxBody;
        }

        var staging = options.Value.StagingPath is { Length: > 0 } configured ? configured : Path.Combine(Path.GetTempPath(), "chaos-uploads");
        using var upload = new StagedUpload(Path.Combine(staging, Guid.NewGuid().ToString("N")));
        await MultipartUploadReader.ReadAsync(http.Request.Body, boundary, upload, ct);
        if (upload.Files.Count == 0)
        {
            throw ChaosException.Validation("files", $"A message carries 1–{MessageRules.MaxAttachments} files.");
        }

        long? replyToId = upload.ReplyToId is { Length: > 0 } reply ? RouteIds.Parse(reply, "replyToId") : null;
        var content = upload.Content ?? string.Empty;
        ChaosException.ThrowIfInvalid("nonce", MessageRules.CheckNonce(upload.Nonce));
        if (content.Trim().Length > 0)
        {
            ChaosException.ThrowIfInvalid("content", MessageRules.CheckContent(content));
        }

        // Inspect everything before storing anything: a refused file refuses the whole message.
        var inspected = new List<(StagedFile File, string ContentType, ImageFacts? Image)>(upload.Files.Count);
        foreach (var file in upload.Files)
        {
            var type = ContentSniffer.Sniff(file.Head, complete: file.Size <= file.Head.Length);
            var image = ContentSniffer.IsThumbnailable(type) ? await images.InspectAsync(file.Path, file.Head, type, ct) : null;
            inspected.Add((file, type, image));
        }

        var stored = new List<long>();
        var attachments = new List<Attachment>(inspected.Count);
        try
        {
            foreach (var (file, type, image) in inspected)
            {
                var attachmentId = ids.NextId();
                long? thumbnailId = null;
                string? thumbnailUrl = null;
                if (image is not null)
                {
                    thumbnailId = ids.NextId();
                    var thumbnailName = image.ThumbnailType == "image/webp" ? "thumbnail.webp" : "thumbnail.png";
                    using var thumbnail = new MemoryStream(image.Thumbnail, writable: false);
                    await blobs.SaveAsync(new BlobInfo(thumbnailId.Value, channelId, thumbnailName, image.ThumbnailType, image.Thumbnail.Length), thumbnail, ct);
                    stored.Add(thumbnailId.Value);
                    thumbnailUrl = UrlOf(thumbnailId.Value, thumbnailName);
                }

                await using (var bytes = File.OpenRead(file.Path))
                {
                    await blobs.SaveAsync(new BlobInfo(attachmentId, channelId, file.Filename, type, file.Size, thumbnailId), bytes, ct);
                }

                stored.Add(attachmentId);
                attachments.Add(new Attachment(attachmentId, file.Filename, type, (int)file.Size, UrlOf(attachmentId, file.Filename), null, null, image?.Width, image?.Height, thumbnailUrl));
            }

            var message = await GrainCalls.RetryAsync(() => channel.SendAttachmentsAsync(me, content, upload.Nonce, replyToId, attachments), idempotent: upload.Nonce is not null, ct);
            if (message.Attachments.All(a => a.Id != attachments[0].Id))
            {
                // A repeated nonce answered the original message: these bytes belong to no message.
                await DeleteAsync(blobs, stored, loggers);
            }

            return TypedResults.Created($"/api/v1/channels/{channelId}/messages/{message.Id}", message);
        }
        catch
        {
            await DeleteAsync(blobs, stored, loggers);
            throw;
        }
    }

    private static async Task<IResult> DownloadAsync(string id, string filename, HttpContext http, ClaimsPrincipal user, IGrainFactory grains, IBlobStore blobs, CancellationToken ct)
    {
        var attachmentId = RouteIds.Parse(id, "id");
        var info = await blobs.GetInfoAsync(attachmentId, ct);
        if (info is null || !string.Equals(info.Filename, filename, StringComparison.Ordinal))
        {
            throw ChaosException.NotFound("attachment");
        }

        var me = user.UserId();
        try
        {
            await GrainCalls.RetryAsync(() => grains.GetGrain<IChannelGrain>(info.ChannelId).RequirePermissionsAsync(me, P.ViewChannel), idempotent: true, ct);
        }
        catch (ChaosException e) when (e.Code == ErrorCodes.NotFound)
        {
            throw ChaosException.NotFound("attachment");
        }

        var stream = await blobs.OpenReadAsync(attachmentId, ct) ?? throw ChaosException.NotFound("attachment");
        var headers = http.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        // Served files never run anything, even if a browser opens one directly: no scripts, no plugins, no frames.
        headers.ContentSecurityPolicy = "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; sandbox";
        headers.CacheControl = "private, max-age=3600";
        headers["Cross-Origin-Resource-Policy"] = "same-origin";
        var disposition = new ContentDispositionHeaderValue(ContentSniffer.IsInline(info.ContentType) ? "inline" : "attachment");
        disposition.SetHttpFileName(info.Filename);
        headers.ContentDisposition = disposition.ToString();
        return TypedResults.File(stream, info.ContentType, enableRangeProcessing: true);
    }

    private static async Task DeleteAsync(IBlobStore blobs, List<long> stored, ILoggerFactory loggers)
    {
        foreach (var blob in stored)
        {
            try
            {
                await blobs.DeleteAsync(blob, CancellationToken.None);
            }
            catch (Exception e) when (e is IOException or HttpRequestException or UnauthorizedAccessException)
            {
                LogOrphan(loggers.CreateLogger("Chaos.Attachments"), blob, e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete blob {BlobId} of a refused upload; it belongs to no message")]
    private static partial void LogOrphan(ILogger logger, long blobId, Exception exception);
}
