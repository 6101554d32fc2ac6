namespace Chaos.Api.Ai;

/// <summary>The body of <c>POST /channels/{id}/summaries</c>: from after this message; absent means the caller's read state.</summary>
public sealed record SummaryRequest(string? SinceMessageId);
