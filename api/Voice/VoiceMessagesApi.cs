using System.Security.Claims;
using Chaos.Api.Ai;
using Chaos.Api.Auth;
using Chaos.Api.Blobs;
using Chaos.Api.Errors;
using Chaos.Api.RateLimits;
using Chaos.Audio;
using Chaos.Communities;
using Chaos.Errors;
using Chaos.Ids;
using Chaos.Messages;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;
using P = Chaos.Permissions.Permissions;

namespace Chaos.Api.Voice;

/// <summary>
/// <c>POST /channels/{id}/voice-messages</c> (downloads are <see cref="Attachments.AttachmentsApi"/>'s). Uploads stream to a temp file
/// under a running byte limit (never buffered whole), are checked and measured by libopus (WAV is encoded to Ogg Opus),
/// stored in the blob store, and become a message through the channel grain's durable path.
/// </summary>
public static partial class VoiceMessagesApi
{
    /// <summary>docs/api.md#limits: uploads are at most 25 MiB.</summary>
    public const long MaxUploadBytes = 25L * 1024 * 1024;

    /// <summary>The longest voice message.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromMinutes(10);

    private const string StoredName = "voice-message.ogg";
    private const string StoredType = "audio/ogg";

    public static RouteGroupBuilder MapVoiceMessagesApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("").WithTags("Voice messages").RequireAuthorization()
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(404);
        group.MapPost("/channels/{id}/voice-messages", UploadAsync).ProducesProblem(413).ProducesProblem(415).ProducesProblem(429)
            .WithMetadata(new RateLimitBucket(RateLimiter.MessagesBucket));
        return api;
    }

    private static async Task<IResult> UploadAsync(string id, HttpContext http, ClaimsPrincipal user, IGrainFactory grains, IBlobStore blobs, IIdGenerator ids, VoiceTranscriber transcriber, CancellationToken ct)
    {
        var channelId = RouteIds.Parse(id, "id");
        var wav = KindOf(http.Request.ContentType);
        if (http.Request.ContentLength > MaxUploadBytes)
        {
            throw TooLarge();
        }

        // Authorize before reading a byte of the body.
        var me = user.UserId();
        var channel = grains.GetGrain<IChannelGrain>(channelId);
        var communityId = await GrainCalls.RetryAsync(channel.GetCommunityIdAsync, idempotent: true, ct) ?? throw ChaosException.NotFound("channel");
        Require(await GrainCalls.RetryAsync(() => grains.GetGrain<ICommunityGrain>(communityId).GetPermissionsAsync(me, channelId), idempotent: true, ct), P.ViewChannel | P.SendVoiceMessages);

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            // JSON routes keep Kestrel's 1 MiB; this route counts bytes itself while streaming.
            bodyLimit.MaxRequestBodySize = MaxUploadBytes + 1;
        }

        var upload = Path.Combine(Path.GetTempPath(), "chaos-upload-" + Guid.NewGuid().ToString("N"));
        var encoded = upload + ".ogg";
        var attachmentId = ids.NextId();
        try
        {
            await CopyLimitedAsync(http.Request.Body, upload, ct);
            var limits = new AudioLimits(MaxUploadBytes, MaxDuration);
            var stored = wav ? encoded : upload;
            VoiceMessageInfo info;
            try
            {
                if (wav)
                {
                    using var input = File.OpenRead(upload);
                    using var output = File.Create(encoded);
                    VoiceMessageEncoder.EncodeWavToOggOpus(input, output, limits);
                }

                using var ogg = File.OpenRead(stored);
                info = VoiceMessageInspector.InspectOggOpus(ogg, new AudioLimits(long.MaxValue, MaxDuration));
            }
            catch (AudioLimitExceededException e)
            {
                throw new ChaosException(ErrorCodes.PayloadTooLarge, $"The voice message is too large or longer than {MaxDuration.TotalMinutes:0} minutes: {e.Message}");
            }
            catch (Exception e) when (e is InvalidAudioException or OpusException or EndOfStreamException)
            {
                throw new ChaosException(ErrorCodes.UnsupportedMedia, $"The body is not {(wav ? "a PCM WAV file" : "Ogg Opus")}: {e.Message}");
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or TypeInitializationException)
            {
                // Concentus falls back to its managed codec, so this should not happen; if no codec loads at all, the
                // client hears "unavailable", never an unexplained 500.
                throw new ChaosException(ErrorCodes.Unavailable, "Voice messages are unavailable: no Opus codec could be loaded on this server.");
            }

            var size = new FileInfo(stored).Length;
            await using (var content = File.OpenRead(stored))
            {
                await blobs.SaveAsync(new BlobInfo(attachmentId, channelId, StoredName, StoredType, size), content, ct);
            }

            // docs/architecture.md#voice-message-transcripts: pending when this server makes transcripts for the channel.
            var transcribe = await transcriber.WantsAsync(communityId, channelId);
            var attachment = new Attachment(
                attachmentId, StoredName, StoredType, (int)size, $"/api/v1/attachments/{attachmentId}/{StoredName}", (int)info.DurationMs, Convert.ToBase64String(info.Waveform),
                TranscriptStatus: transcribe ? TranscriptStatuses.Pending : null);
            try
            {
                var message = await GrainCalls.RetryAsync(() => channel.SendVoiceMessageAsync(me, attachment), idempotent: false, ct);
                if (transcribe)
                {
                    transcriber.Enqueue(new TranscriptJob(communityId, channelId, message.Id, attachmentId));
                }

                return TypedResults.Created($"/api/v1/channels/{channelId}/messages/{message.Id}", message);
            }
            catch
            {
                await blobs.DeleteAsync(attachmentId, CancellationToken.None);
                throw;
            }
        }
        finally
        {
            File.Delete(upload);
            File.Delete(encoded);
        }
    }

    /// <summary>True for WAV, false for Ogg; anything else is unsupported_media.</summary>
    private static bool KindOf(string? contentType)
    {
        if (MediaTypeHeaderValue.TryParse(contentType, out var media))
        {
            switch (media.MediaType.Value?.ToLowerInvariant())
            {
                case "audio/ogg" or "audio/opus" or "application/ogg":
                    return false;
                case "audio/wav" or "audio/wave" or "audio/x-wav" or "audio/vnd.wave":
                    return true;
            }
        }

        throw new ChaosException(ErrorCodes.UnsupportedMedia, "A voice message is audio/ogg (Opus) or audio/wav (PCM).");
    }

    private static async Task CopyLimitedAsync(Stream body, string path, CancellationToken ct)
    {
        var buffer = new byte[81920];
        long total = 0;
        await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, useAsync: true);
        int read;
        while ((read = await body.ReadAsync(buffer, ct)) > 0)
        {
            total += read;
            if (total > MaxUploadBytes)
            {
                throw TooLarge();
            }

            await file.WriteAsync(buffer.AsMemory(0, read), ct);
        }
    }

    private static ChaosException TooLarge() => new(ErrorCodes.PayloadTooLarge, "Voice messages are at most 25 MiB.");

    private static void Require(P held, P needed)
    {
        var missing = needed & ~held;
        if (!held.HasFlag(P.Administrator) && missing != P.None)
        {
            var name = Permissions.PermissionSets.Names(missing)[0];
            throw new ChaosException(ErrorCodes.MissingPermission, $"This needs the {name} permission.", name, null, null);
        }
    }
}
