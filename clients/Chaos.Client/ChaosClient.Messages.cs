using System.Net.Http.Headers;
using Chaos.Client.Messages;

namespace Chaos.Client;

public sealed partial class ChaosClient
{
    /// <summary>
    /// Sends a message; a repeated <paramref name="nonce"/> within 10 minutes returns the original instead of a duplicate.
    /// An end-to-end encrypted channel throws <see cref="NotSupportedException"/>: this SDK cannot encrypt.
    /// </summary>
    public Task<Message> SendMessageAsync(string channelId, string content, string? nonce = null, string? replyToId = null, CancellationToken cancellation = default) =>
        Errors.EncryptedChannels.RefusePlaintextAsync(channelId, () => SendAsync<Message>(HttpMethod.Post, $"channels/{Id(channelId)}/messages", new { content, nonce, replyToId }, cancellation));

    /// <summary>A page of history, oldest to newest: just older than <paramref name="before"/>, just newer than <paramref name="after"/>, or the newest.</summary>
    public Task<IReadOnlyList<Message>> GetMessagesAsync(string channelId, string? before = null, string? after = null, int? limit = null, CancellationToken cancellation = default) =>
        SendAsync<IReadOnlyList<Message>>(HttpMethod.Get, Query($"channels/{Id(channelId)}/messages", ("before", before), ("after", after), ("limit", limit)), null, cancellation);

    public Task<Message> GetMessageAsync(string channelId, string messageId, CancellationToken cancellation = default) =>
        SendAsync<Message>(HttpMethod.Get, $"channels/{Id(channelId)}/messages/{Id(messageId)}", null, cancellation);

    public Task<Message> EditMessageAsync(string channelId, string messageId, string content, CancellationToken cancellation = default) =>
        Errors.EncryptedChannels.RefusePlaintextAsync(channelId, () => SendAsync<Message>(HttpMethod.Patch, $"channels/{Id(channelId)}/messages/{Id(messageId)}", new { content }, cancellation));

    public Task DeleteMessageAsync(string channelId, string messageId, CancellationToken cancellation = default) =>
        SendAsync(HttpMethod.Delete, $"channels/{Id(channelId)}/messages/{Id(messageId)}", null, cancellation);

    public Task TriggerTypingAsync(string channelId, CancellationToken cancellation = default) =>
        SendAsync(HttpMethod.Post, $"channels/{Id(channelId)}/typing", null, cancellation);

    public Task SetReadStateAsync(string channelId, string lastReadMessageId, CancellationToken cancellation = default) =>
        SendAsync(HttpMethod.Put, $"channels/{Id(channelId)}/read-state", new { lastReadMessageId }, cancellation);

    /// <summary>Uploads a file as a message with one attachment (multipart, AttachFiles).</summary>
    public Task<Message> UploadAttachmentAsync(string channelId, Func<Stream> open, string filename, string contentType, string? content = null, CancellationToken cancellation = default) =>
        SendAttachmentsAsync(channelId, [new FileUpload(filename, open, contentType)], content, cancellation: cancellation);

    /// <summary>
    /// Sends a message with 1–10 files (each at most 25 MiB, together at most 50 MiB) and optional text, streamed as
    /// <c>multipart/form-data</c> (docs/api.md#attachments). With a <paramref name="nonce"/>, a retry answers the original
    /// message instead of a duplicate.
    /// </summary>
    public Task<Message> SendAttachmentsAsync(string channelId, IReadOnlyList<FileUpload> files, string? content = null, string? nonce = null, string? replyToId = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(files);
        return Errors.EncryptedChannels.RefusePlaintextAsync(channelId, () => SendContentAsync<Message>(HttpMethod.Post, $"channels/{Id(channelId)}/attachments", () =>
        {
            var form = new MultipartFormDataContent();
            foreach (var upload in files)
            {
                var file = new StreamContent(upload.Open());
                file.Headers.ContentType = new MediaTypeHeaderValue(upload.ContentType);
                form.Add(file, "files", upload.Filename);
            }

            foreach (var (name, value) in new[] { ("content", content), ("nonce", nonce), ("replyToId", replyToId) })
            {
                if (value is not null)
                {
                    form.Add(new StringContent(value), name);
                }
            }

            return form;
        }, cancellation));
    }

    /// <summary>Sends a voice message: <c>audio/ogg</c> (Opus) or <c>audio/wav</c> (PCM).</summary>
    public Task<Message> SendVoiceMessageAsync(string channelId, Func<Stream> open, string contentType = "audio/ogg", CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(open);
        return Errors.EncryptedChannels.RefusePlaintextAsync(channelId, () => SendContentAsync<Message>(HttpMethod.Post, $"channels/{Id(channelId)}/voice-messages", () =>
        {
            var body = new StreamContent(open());
            body.Headers.ContentType = new MediaTypeHeaderValue(contentType);
            return body;
        }, cancellation));
    }

    /// <summary>Downloads an attachment by the <see cref="Attachment.Url"/> the server gave.</summary>
    public async Task<byte[]> DownloadAttachmentAsync(Attachment attachment, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(attachment);
        var path = attachment.Url.StartsWith("/api/v1/", StringComparison.Ordinal) ? attachment.Url["/api/v1/".Length..] : attachment.Url;
        using var response = await SendCoreAsync(HttpMethod.Get, path, () => null, authenticated: true, cancellation);
        return await response.Content.ReadAsByteArrayAsync(cancellation);
    }
}
