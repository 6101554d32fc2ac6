namespace Chaos.Tests.Edge;

/// <summary>One standalone front door for <see cref="GatewayConnectLimitTests"/> with small connect limits; its cases keep apart by fresh users or addresses.</summary>
public sealed class GatewayConnectLimitFixture : IAsyncLifetime
{
    private Infrastructure.ChaosServer? server;

    public Infrastructure.ChaosServer Server => server ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() => server = await Infrastructure.ChaosServer.StartAsync(null, new Dictionary<string, string?>
    {
        ["Chaos:RateLimits:Enabled"] = "true",
        ["Chaos:RateLimits:AuthPerAddressLimit"] = "100000",
        ["Chaos:RateLimits:GatewayConnectsPerAddressLimit"] = "5",
        ["Chaos:RateLimits:GatewayConnectsPerAddressWindowSeconds"] = "600",
        ["Chaos:RateLimits:GatewayConnectsPerUserLimit"] = "3",
        ["Chaos:RateLimits:GatewayConnectsPerUserWindowSeconds"] = "600",
        ["Chaos:FrontDoor:KnownProxies:0"] = "127.0.0.1",
    });

    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }
}
