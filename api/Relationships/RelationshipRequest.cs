namespace Chaos.Api.Relationships;

/// <summary>The body of <c>PUT /users/@me/relationships/{userId}</c>: <c>type</c> is <c>"friend"</c> or <c>"block"</c>.</summary>
public sealed record RelationshipRequest(string? Type);
