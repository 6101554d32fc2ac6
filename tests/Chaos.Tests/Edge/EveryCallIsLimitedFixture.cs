namespace Chaos.Tests.Edge;

/// <summary>One standalone front door for <see cref="EveryCallIsLimitedTests"/>; its cases keep apart by fresh users or addresses.</summary>
public sealed class EveryCallIsLimitedFixture : IAsyncLifetime
{
    private Infrastructure.ChaosServer? server;

    public Infrastructure.ChaosServer Server => server ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() => server = await Infrastructure.ChaosServer.StartAsync(null, new Dictionary<string, string?>
    {
        ["Chaos:RateLimits:Enabled"] = "true",
        ["Chaos:RateLimits:RequestsLimit"] = "3",
        ["Chaos:RateLimits:RequestsWindowSeconds"] = "600",
        ["Chaos:RateLimits:MessagesLimit"] = "3",
        ["Chaos:RateLimits:MessagesWindowSeconds"] = "600",
        // Every case registers fresh users from one address; the per-address limit is AnonymousLimitsTests' subject.
        ["Chaos:RateLimits:AuthPerAddressLimit"] = "100000",
    });

    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }
}
