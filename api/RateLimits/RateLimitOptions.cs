namespace Chaos.Api.RateLimits;

/// <summary><c>Chaos:RateLimits</c>: API.md's defaults; <c>Enabled=false</c> lifts all but failed-login protection.</summary>
public sealed class RateLimitOptions
{
    public bool Enabled { get; set; } = true;

    public int MessagesLimit { get; set; } = 50;

    public int MessagesWindowSeconds { get; set; } = 10;

    public int RequestsLimit { get; set; } = 100;

    public int RequestsWindowSeconds { get; set; } = 10;
}
