namespace Chaos.Client.Messages;

/// <summary>
/// A file on a message; voice messages add <see cref="DurationMs"/> and a base64 <see cref="Waveform"/>, images (PNG, JPEG,
/// GIF, WebP) their <see cref="Width"/>, <see cref="Height"/> and a <see cref="ThumbnailUrl"/> of at most 256 px. A voice
/// message of a server with transcripts carries <see cref="TranscriptStatus"/> (<c>pending</c>, <c>done</c>, <c>failed</c>)
/// and, once done, its <see cref="Transcript"/>; a <c>MessageUpdated</c> follows when it is done or failed.
/// </summary>
public sealed record Attachment(
    string Id,
    string Filename,
    string ContentType,
    long Size,
    string Url,
    int? DurationMs = null,
    string? Waveform = null,
    int? Width = null,
    int? Height = null,
    string? ThumbnailUrl = null,
    string? Transcript = null,
    string? TranscriptStatus = null);
