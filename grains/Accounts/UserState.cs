namespace Chaos.Accounts;

[GenerateSerializer, Alias("chaos.UserState")]
public sealed class UserState
{
    /// <summary>Logins kept per user; the least recently used one is dropped past this bound.</summary>
    public const int MaxSessions = 32;

    [Id(0)]
    public string Username { get; set; } = string.Empty;

    [Id(1)]
    public string DisplayName { get; set; } = string.Empty;

    [Id(2)]
    public string PasswordHash { get; set; } = string.Empty;

    [Id(3)]
    public DateTimeOffset CreatedAt { get; set; }

    [Id(4)]
    public string StatusMessage { get; set; } = string.Empty;

    [Id(5)]
    public List<LoginSession> Sessions { get; set; } = [];
}
