namespace Chaos.Client.Accounts;

/// <summary>What register, login and refresh answer: the user and a fresh token pair.</summary>
public sealed record AuthResult(User User, string AccessToken, string RefreshToken, DateTimeOffset ExpiresAt);
