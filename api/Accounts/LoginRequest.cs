namespace Chaos.Api.Accounts;

public sealed record LoginRequest(string? Username, string? Password);
