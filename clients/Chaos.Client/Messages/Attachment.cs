namespace Chaos.Client.Messages;

/// <summary>
/// A file on a message; voice messages add <see cref="DurationMs"/> and a base64 <see cref="Waveform"/>, images (PNG, JPEG,
/// GIF, WebP) their <see cref="Width"/>, <see cref="Height"/> and a <see cref="ThumbnailUrl"/> of at most 256 px.
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
    string? ThumbnailUrl = null);
