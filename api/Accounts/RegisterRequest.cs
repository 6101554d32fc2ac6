namespace Chaos.Api.Accounts;

public sealed record RegisterRequest(string? Username, string? Password, string? DisplayName);
