namespace Chaos.Api.Accounts;

public sealed record UpdateMeRequest(string? DisplayName, string? StatusMessage);
