using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.RateLimits;

/// <summary>
/// Two front doors of one cluster with rate limits on (a 60 s message window), shared by the rate-limit tests: limits
/// are per user, and every test sends as fresh users.
/// </summary>
public sealed class RateLimitedServers : TwoFrontDoorsFixture
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Chaos:RateLimits:Enabled"] = "true",
        ["Chaos:RateLimits:MessagesWindowSeconds"] = "60",
    };
}
