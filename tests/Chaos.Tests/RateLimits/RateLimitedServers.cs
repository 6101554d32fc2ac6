using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.RateLimits;

/// <summary>
/// Two front doors of one cluster with rate limits on (a 60 s message window), shared by the rate-limit tests: limits
/// are per user, and every test sends as fresh users.
/// </summary>
public sealed class RateLimitedServers : IAsyncLifetime
{
    private ChaosServer? first;
    private ChaosServer? second;

    public ChaosServer First => first ?? throw new InvalidOperationException("Not started.");

    public ChaosServer Second => second ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        var settings = new Dictionary<string, string?> { ["Chaos:RateLimits:Enabled"] = "true", ["Chaos:RateLimits:MessagesWindowSeconds"] = "60" };
        first = await ChaosServer.StartAsync(connectionString, settings);
        second = await ChaosServer.StartAsync(connectionString, settings);
    }

    public async Task DisposeAsync()
    {
        if (second is not null)
        {
            await second.DisposeAsync();
        }

        if (first is not null)
        {
            await first.DisposeAsync();
        }
    }
}
