namespace Chaos.Api.Support;

/// <summary><c>POST /support/conversations/{id}/rating</c>.</summary>
public sealed record RatingRequest(int? Score, string? Comment);
