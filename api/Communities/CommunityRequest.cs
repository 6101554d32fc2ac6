namespace Chaos.Api.Communities;

/// <summary>The body of community create and update; on update, absent fields are left alone (<c>ai</c>: update only).</summary>
public sealed record CommunityRequest(string? Name, string? Description, Chaos.Ai.CommunityAiChange? Ai = null);
