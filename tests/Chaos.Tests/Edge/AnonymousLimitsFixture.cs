namespace Chaos.Tests.Edge;

/// <summary>One standalone front door for <see cref="AnonymousLimitsTests"/>; its cases keep apart by fresh users or addresses.</summary>
public sealed class AnonymousLimitsFixture : IAsyncLifetime
{
    private Infrastructure.ChaosServer? server;

    public Infrastructure.ChaosServer Server => server ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() => server = await Infrastructure.ChaosServer.StartAsync(null, new Dictionary<string, string?>
    {
        ["Chaos:RateLimits:Enabled"] = "true",
        ["Chaos:RateLimits:AuthPerAddressLimit"] = "20",
        ["Chaos:RateLimits:AuthPerAddressWindowSeconds"] = "600",
        ["Chaos:RateLimits:InvitePreviewsPerAddressLimit"] = "5",
        ["Chaos:RateLimits:InvitePreviewsPerAddressWindowSeconds"] = "600",
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
