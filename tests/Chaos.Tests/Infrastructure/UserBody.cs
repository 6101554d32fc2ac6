namespace Chaos.Tests.Infrastructure;

public sealed record UserBody(string Id, string Username, string DisplayName, DateTimeOffset CreatedAt, string? StatusMessage);
