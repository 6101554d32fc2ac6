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
/// <item>Four users connected to A ("adas"). Those whose Presence grain lived on B get a fresh grain that knows no
/// connection: they must still look online to a friend who connects afterwards (A's restore after the membership
/// change).</item>
/// <item>Four users connected to B ("carls"). After B dies they must go offline for their friend on A: where a grain
/// lives on A, A's silo finds B's front door gone from the directory; where it died with B, A re-reads the presence its
/// connections watch. The test prints which path ran (A's log).</item>
/// </list>
/// Placement is not under the test's control (Orleans' default placement weighs the silos' load). In the runs so far
/// it put all four carls' grains on B, so the re-read ran for all of them; the directory path with a grain that
/// survives is also tested in one process (<c>PresenceTests.DeadFrontDoor_…</c>).
/// </summary>
[StartsEarly(2)]
public sealed class PresenceFailoverTests(ITestOutputHelper output)
{
    [Fact]
    public async Task AfterASiloIsKilled_TheSurvivorRestoresItsUsers_AndTheDeadDoorsUsersGoOffline()
    {
        await using var doors = await TwoFrontDoors.StartAsync();
        var (a, b, clients) = (doors.A, doors.B, doors.Clients);
        // Four of each, so that with grains placed wherever the first call lands, both paths almost surely run.
        var bob = await a.RegisterAsync("pf");
        var adas = new List<TestUser>();
        var carls = new List<TestUser>();
        for (var i = 0; i < 4; i++)
        {
            adas.Add(await a.RegisterAsync("pf"));
            carls.Add(await a.RegisterAsync("pf"));
            await BefriendAsync(adas[i], bob);
            await BefriendAsync(carls[i], bob);
        }

        // Placement tends to prefer the calling silo, so a first connection through B tends to put an ada's grain on
        // B and one through A a carl's on A (befriending may already have placed them). The connections that stay
        // open go through the other door.
        foreach (var ada in adas)
        {
            await (await GatewayClient.ConnectAsync(b.HttpAddress, ada.AccessToken)).DisposeAsync();
            clients.Add(await GatewayClient.ConnectAsync(a.HttpAddress, ada.AccessToken));
        }

        foreach (var carl in carls)
        {
            await (await GatewayClient.ConnectAsync(a.HttpAddress, carl.AccessToken)).DisposeAsync();
            clients.Add(await GatewayClient.ConnectAsync(b.HttpAddress, carl.AccessToken));
        }

        var bobClient = await GatewayClient.ConnectAsync(a.HttpAddress, bob.AccessToken);
        clients.Add(bobClient);
        foreach (var user in adas.Concat(carls))
        {
            await WaitForStatusAsync(bobClient, user, "online");
        }

        await b.KillAsync();
        var killed = DateTime.UtcNow;

        try
        {
            foreach (var carl in carls)
            {
                await WaitForStatusAsync(bobClient, carl, "offline", TimeSpan.FromSeconds(120));
            }
        }
        catch (TimeoutException)
        {
            output.WriteLine(string.Join('\n', a.Output.Split('\n').TakeLast(80)));
            throw;
        }

        output.WriteLine($"the carls (connected to the killed door) offline after {(DateTime.UtcNow - killed).TotalSeconds:F1} s");

        // A friend's new connection reads each ada's presence from her grain: a fresh activation unless restored.
        await Eventually.ReturnsAsync(
            async () =>
            {
                await using var probe = await GatewayClient.ConnectAsync(a.HttpAddress, bob.AccessToken);
                return adas.Select(ada => Statuses(probe, ada).LastOrDefault()).ToList();
            },
            statuses => statuses.All(s => s == "online"),
            TimeSpan.FromSeconds(120),
            "the adas (connected to the survivor) look online to a new connection");
        output.WriteLine($"the adas restored as online {(DateTime.UtcNow - killed).TotalSeconds:F1} s after the kill");
        foreach (var ada in adas)
        {
            Statuses(bobClient, ada).ShouldNotContain("offline", "an ada never looked offline to the friend connected throughout");
        }

        foreach (var line in a.Output.Split('\n').Where(l => l.Contains("stopped renewing", StringComparison.Ordinal) || l.Contains("re-read the presence", StringComparison.Ordinal)))
        {
            output.WriteLine($"A: {line.Trim()}");
        }
    }
}
