namespace Chaos.Api.Messages;

/// <summary>
/// The body of send (<c>content</c> required, or <c>ciphertext</c> instead in an end-to-end encrypted channel) and edit
/// (only <c>content</c>).
/// </summary>
public sealed record MessageRequest(string? Content, string? Nonce, string? ReplyToId, string? Ciphertext = null);
