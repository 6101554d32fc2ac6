namespace Chaos.Client.Accounts;

/// <summary>The User object (docs/api.md#user); <see cref="StatusMessage"/> is only filled for <c>@me</c>.</summary>
public sealed record User(string Id, string Username, string DisplayName, DateTimeOffset CreatedAt, string? StatusMessage = null);
