namespace Chaos.Client.Accounts;

/// <summary>API.md's User; <see cref="StatusMessage"/> is only filled for <c>@me</c>.</summary>
public sealed record User(string Id, string Username, string DisplayName, DateTimeOffset CreatedAt, string? StatusMessage = null);
