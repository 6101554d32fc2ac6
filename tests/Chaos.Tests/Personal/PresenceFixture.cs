using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Personal;

/// <summary>A front door with a short presence lease and debounce window, so lease expiry and debouncing are quick to see.</summary>
public class PresenceFixture : IAsyncLifetime
{
    private ChaosServer? server;

    public ChaosServer Server => server ?? throw new InvalidOperationException("Not started.");

    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Chaos:Presence:LeaseSeconds"] = "1",
        ["Chaos:Presence:DebounceMilliseconds"] = "300",
        ["Chaos:Presence:SmallCommunityMaxMembers"] = "5",
    };

    public async Task InitializeAsync() => server = await ChaosServer.StartAsync(await PostgresServer.CreateDatabaseAsync(), Settings);

    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }
}
