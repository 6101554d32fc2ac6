namespace Chaos.Accounts;

/// <summary>A login's refresh token as handed to the client once; the grain keeps only its hash.</summary>
[GenerateSerializer, Immutable, Alias("chaos.IssuedSession")]
public sealed record IssuedSession(
    [property: Id(0)] UserProfile User,
    [property: Id(1)] string RefreshToken,
    [property: Id(2)] DateTimeOffset RefreshTokenExpiresAt,
    [property: Id(3)] string SessionId);
