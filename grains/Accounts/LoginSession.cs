namespace Chaos.Accounts;

/// <summary>One login (a refresh-token rotation family). Only the hash of the current token is kept.</summary>
[GenerateSerializer, Alias("chaos.LoginSession")]
public sealed class LoginSession
{
    [Id(0)]
    public string Id { get; set; } = string.Empty;

    [Id(1)]
    public byte[] CurrentTokenHash { get; set; } = [];

    [Id(2)]
    public DateTimeOffset CreatedAt { get; set; }

    [Id(3)]
    public DateTimeOffset LastUsedAt { get; set; }

    [Id(4)]
    public DateTimeOffset ExpiresAt { get; set; }
}
