namespace Chaos.Tests.Infrastructure;

/// <summary>The auth response as a client reads it (docs/api.md#auth-routes), independent of the server's own DTO types.</summary>
public sealed record AuthBody(UserBody User, string AccessToken, string RefreshToken, DateTimeOffset ExpiresAt);
