namespace Chaos.Client.Accounts;

/// <summary>The token pair the client currently uses; raised after every rotation so callers can persist it.</summary>
public sealed record SessionTokens(string AccessToken, string RefreshToken, DateTimeOffset ExpiresAt);
