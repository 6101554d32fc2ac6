namespace Chaos.Api.Accounts;

public sealed record AuthResponse(UserDto User, string AccessToken, string RefreshToken, DateTimeOffset ExpiresAt);
