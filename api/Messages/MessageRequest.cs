namespace Chaos.Api.Messages;

/// <summary>The body of send (<c>content</c> required) and edit (only <c>content</c>).</summary>
public sealed record MessageRequest(string? Content, string? Nonce, string? ReplyToId);
