namespace Chaos.Api.Accounts;

/// <summary>The body of <c>/auth/refresh</c> and <c>/auth/logout</c>.</summary>
public sealed record RefreshRequest(string? RefreshToken);
