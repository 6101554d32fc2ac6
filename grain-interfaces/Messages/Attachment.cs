using System.Text.Json.Serialization;

namespace Chaos.Messages;

/// <summary>
/// The Attachment object (docs/api.md#attachment); voice messages carry a duration and a base64 waveform of at most 256
/// samples, images (PNG, JPEG, GIF, WebP) their dimensions and a thumbnail of at most 256 px. A voice message of a
/// channel with transcripts (docs/api.md#ai-assistance) also carries <see cref="TranscriptStatus"/> and, once done,
/// <see cref="Transcript"/>; both are left out of the JSON when there is none.
/// </summary>
[GenerateSerializer, Immutable, Alias("chaos.Attachment")]
public sealed record Attachment(
    [property: Id(0)] long Id,
    [property: Id(1)] string Filename,
    [property: Id(2)] string ContentType,
    [property: Id(3)] int Size,
    [property: Id(4)] string Url,
    [property: Id(5)] int? DurationMs,
    [property: Id(6)] string? Waveform,
    [property: Id(7)] int? Width = null,
    [property: Id(8)] int? Height = null,
    [property: Id(9)] string? ThumbnailUrl = null,
    [property: Id(10), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Transcript = null,
    [property: Id(11), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? TranscriptStatus = null);
