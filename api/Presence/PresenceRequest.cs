namespace Chaos.Api.Presence;

/// <summary>The body of <c>PUT /users/@me/presence</c>.</summary>
public sealed record PresenceRequest(string? Status, string? StatusMessage);
