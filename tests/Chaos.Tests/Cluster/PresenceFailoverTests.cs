using Chaos.Tests.Gateway;
using Chaos.Tests.Infrastructure;
using Xunit.Abstractions;
using static Chaos.Tests.Personal.Personal;

namespace Chaos.Tests.Cluster;

/// <summary>
/// Presence across a silo killed with SIGKILL (docs/architecture.md#presence): two real front-door processes co-hosting
/// silos on PostgreSQL. Idle connections cost Presence grains no call, so nothing renews them: the surviving front door
/// must restore what a lost grain knew, and the surviving silo must find the dead front door's connections.
/// <list type="bullet">
/// <item>ada is connected to A, her Presence grain lives on B. After B dies, a fresh grain on A would know no
/// connection: she must still look online to a friend who connects afterwards (A's restore after the membership
/// change).</item>
/// <item>carl is connected to B. After B dies he must go offline for his friend on A: if his grain lives on A, A's silo
/// finds B's front door gone from the directory; if it died with B, A re-reads the presence its connections watch.
/// Placement decides which; the test prints which path ran.</item>
/// </list>
/// Placement is not under the test's control (the grains activate wherever the first call lands), so ada's grain may
/// also have lived on A; then the restore is not what kept her online, and the test says so in its output.
/// </summary>
[StartsEarly(2)]
public sealed class PresenceFailoverTests(ITestOutputHelper output)
{
    [Fact]
    public async Task AfterASiloIsKilled_TheSurvivorRestoresItsUsers_AndTheDeadDoorsUsersGoOffline()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        ChaosProcess? a = null;
        ChaosProcess? b = null;
        var clients = new List<GatewayClient>();
        try
        {
            a = await ChaosProcess.StartAsync("api", connectionString, ChaosProcessPorts.Free());
            b = await ChaosProcess.StartAsync("api", connectionString, ChaosProcessPorts.Free());
            var ada = await a.RegisterAsync("pf");
            var bob = await a.RegisterAsync("pf");
            var carl = await a.RegisterAsync("pf");
            await BefriendAsync(ada, bob);
            await BefriendAsync(carl, bob);

            // Placement prefers the calling silo, so a first connection through B tends to put ada's grain on B and one
            // through A carl's on A (befriending may already have placed them). The ones that stay open go through the
            // other door.
            await (await GatewayClient.ConnectAsync(b.HttpAddress, ada.AccessToken)).DisposeAsync();
            await (await GatewayClient.ConnectAsync(a.HttpAddress, carl.AccessToken)).DisposeAsync();
            clients.Add(await GatewayClient.ConnectAsync(a.HttpAddress, ada.AccessToken));
            clients.Add(await GatewayClient.ConnectAsync(b.HttpAddress, carl.AccessToken));
            var bobClient = await GatewayClient.ConnectAsync(a.HttpAddress, bob.AccessToken);
            clients.Add(bobClient);
            await WaitForStatusAsync(bobClient, ada, "online");
            await WaitForStatusAsync(bobClient, carl, "online");

            await b.KillAsync();
            var killed = DateTime.UtcNow;

            try
            {
                await WaitForStatusAsync(bobClient, carl, "offline", TimeSpan.FromSeconds(120));
            }
            catch (TimeoutException)
            {
                output.WriteLine(string.Join('\n', a.Output.Split('\n').TakeLast(80)));
                throw;
            }

            output.WriteLine($"carl (connected to the killed door) offline after {(DateTime.UtcNow - killed).TotalSeconds:F1} s");

            // A friend's new connection reads ada's presence from her grain: a fresh activation unless restored.
            await Eventually.ReturnsAsync(
                async () =>
                {
                    await using var probe = await GatewayClient.ConnectAsync(a.HttpAddress, bob.AccessToken);
                    return Statuses(probe, ada).LastOrDefault();
                },
                s => s == "online",
                TimeSpan.FromSeconds(120),
                "ada (connected to the survivor, her grain on the killed silo) looks online to a new connection");
            output.WriteLine($"ada restored as online {(DateTime.UtcNow - killed).TotalSeconds:F1} s after the kill");
            foreach (var line in a.Output.Split('\n').Where(l => l.Contains("stopped renewing", StringComparison.Ordinal) || l.Contains("re-read the presence", StringComparison.Ordinal)))
            {
                output.WriteLine($"A: {line.Trim()}");
            }

            Statuses(bobClient, ada).ShouldNotContain("offline", "ada never looked offline to the friend connected throughout");
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }

            if (b is not null)
            {
                await b.DisposeAsync();
            }

            if (a is not null)
            {
                await a.DisposeAsync();
            }
        }
    }
}
