namespace Chaos.Api.RateLimits;

/// <summary><c>Chaos:RateLimits</c>: API.md's defaults; <c>Enabled=false</c> lifts all but failed-login protection.</summary>
public sealed class RateLimitOptions
{
    public bool Enabled { get; set; } = true;

    public int MessagesLimit { get; set; } = 50;

    public int MessagesWindowSeconds { get; set; } = 10;

    public int RequestsLimit { get; set; } = 100;

    public int RequestsWindowSeconds { get; set; } = 10;

    /// <summary><c>POST /auth/register</c>, <c>/auth/login</c> and <c>/auth/refresh</c> together, per client address.</summary>
    public int AuthPerAddressLimit { get; set; } = 20;

    public int AuthPerAddressWindowSeconds { get; set; } = 60;

    /// <summary><c>GET /invites/{code}</c> by anyone, per client address.</summary>
    public int InvitePreviewsPerAddressLimit { get; set; } = 60;

    public int InvitePreviewsPerAddressWindowSeconds { get; set; } = 60;
}
