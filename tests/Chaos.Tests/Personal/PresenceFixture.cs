using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Personal;

/// <summary>A front door with a short activity sweep and debounce window, so debouncing is quick to see.</summary>
public class PresenceFixture : IAsyncLifetime
{
    private ChaosServer? server;

    public ChaosServer Server => server ?? throw new InvalidOperationException("Not started.");

    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Chaos:Presence:ActivitySweepSeconds"] = "1",
        ["Chaos:Presence:DebounceMilliseconds"] = "300",
        ["Chaos:Presence:SmallCommunityMaxMembers"] = "5",

        // The flapping test opens 20 connections of one user back to back; each gives its place under the per-user cap
        // back only when its disconnect reaches the Presence grain, so in a loaded full-suite run the marker connection
        // after the burst was refused (too_many_connections) and never got Ready. The cap has its own tests.
        ["Chaos:Gateway:MaxConnectionsPerUser"] = "100",
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
