namespace Chaos.Accounts;

/// <summary>Failed-login protection (API.md: 10 per 5 minutes per username). Never lifted by <c>RateLimits:Enabled</c>.</summary>
public sealed class LoginRateLimitOptions
{
    public int FailedLogins { get; set; } = 10;

    public int FailedLoginWindowSeconds { get; set; } = 300;
}
