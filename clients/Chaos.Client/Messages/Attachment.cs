namespace Chaos.Client.Messages;

/// <summary>A file on a message; voice messages add <see cref="DurationMs"/> and a base64 <see cref="Waveform"/>.</summary>
public sealed record Attachment(string Id, string Filename, string ContentType, long Size, string Url, int? DurationMs = null, string? Waveform = null);
