namespace Chaos.Api.Support;

/// <summary><c>POST /support/conversations/{id}/messages</c>.</summary>
public sealed record SupportMessageRequest(string? Content);
