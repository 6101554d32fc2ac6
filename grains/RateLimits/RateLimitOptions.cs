using System.ComponentModel.DataAnnotations;

namespace Chaos.RateLimits;

/// <summary>
/// <c>Chaos:RateLimits</c>: the defaults of docs/api.md#rate-limits. <c>Enabled=false</c> lifts the per-user send and request limits the front
/// door applies, never the failed-login protection the username grains apply (10 per 5 minutes per username).
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "Chaos:RateLimits";

    public bool Enabled { get; set; } = true;

    [Range(1, int.MaxValue)]
    public int MessagesLimit { get; set; } = 50;

    [Range(1, 86_400)]
    public int MessagesWindowSeconds { get; set; } = 10;

    [Range(1, int.MaxValue)]
    public int RequestsLimit { get; set; } = 100;

    [Range(1, 86_400)]
    public int RequestsWindowSeconds { get; set; } = 10;

    /// <summary><c>POST /auth/register</c>, <c>/auth/login</c> and <c>/auth/refresh</c> together, per client address.</summary>
    [Range(1, int.MaxValue)]
    public int AuthPerAddressLimit { get; set; } = 20;

    [Range(1, 86_400)]
    public int AuthPerAddressWindowSeconds { get; set; } = 60;

    /// <summary><c>GET /invites/{code}</c> by anyone, per client address.</summary>
    [Range(1, int.MaxValue)]
    public int InvitePreviewsPerAddressLimit { get; set; } = 60;

    [Range(1, 86_400)]
    public int InvitePreviewsPerAddressWindowSeconds { get; set; } = 60;

    /// <summary>Support conversations one client address may start (<c>POST /support/{communityId}/conversations</c>).</summary>
    [Range(1, int.MaxValue)]
    public int SupportStartsPerAddressLimit { get; set; } = 5;

    [Range(1, 86_400)]
    public int SupportStartsPerAddressWindowSeconds { get; set; } = 60;

    /// <summary>New gateway connections (negotiate, or a connect without one) per client address, counted per front door.</summary>
    [Range(1, int.MaxValue)]
    public int GatewayConnectsPerAddressLimit { get; set; } = 120;

    [Range(1, 86_400)]
    public int GatewayConnectsPerAddressWindowSeconds { get; set; } = 60;

    /// <summary>New gateway connections per user, counted per front door.</summary>
    [Range(1, int.MaxValue)]
    public int GatewayConnectsPerUserLimit { get; set; } = 30;

    [Range(1, 86_400)]
    public int GatewayConnectsPerUserWindowSeconds { get; set; } = 60;

    /// <summary>Group DMs a user may create (<c>POST /users/@me/channels</c> with 2–9 recipients), on top of the requests bucket.</summary>
    [Range(1, int.MaxValue)]
    public int GroupsLimit { get; set; } = 10;

    [Range(1, 86_400)]
    public int GroupsWindowSeconds { get; set; } = 600;

    [Range(1, int.MaxValue)]
    public int FailedLogins { get; set; } = 10;

    [Range(1, 86_400)]
    public int FailedLoginWindowSeconds { get; set; } = 300;
}
