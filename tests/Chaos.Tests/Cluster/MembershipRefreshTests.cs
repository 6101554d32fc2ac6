using Chaos.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.TestingHost;

namespace Chaos.Tests.Cluster;

/// <summary>
/// A silo that leaves gracefully writes Dead to the membership table and gossips it last; when that gossip is lost, the
/// other silos must still learn it within seconds from the table (calls in flight to the leaver fail only then). CrossDoorTests'
/// graceful move once stalled 30 s on such a call: a stream subscription waiting on the departed silo's pulling agent.
/// </summary>
public sealed class MembershipRefreshTests
{
    [Fact]
    public async Task ASiloThatLeftGracefully_IsSeenDeadWithinSeconds_WithoutGossipOrProbes()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        // No gossip, and probes too slow to matter: only reading the membership table can tell the survivor.
        var cluster = await ChaosTestCluster.StartAsync(connectionString, properties: new Dictionary<string, string>
        {
            ["Orleans:Membership:UseLivenessGossip"] = "false",
            ["Orleans:Membership:ProbeTimeout"] = "00:02:00",
        });
        try
        {
            var silos = cluster.GetActiveSilos().Cast<InProcessSiloHandle>().ToList();
            silos.Count.ShouldBe(2);
            var survivor = silos[0].SiloHost.Services.GetRequiredService<IClusterMembershipService>();
            var leaver = silos[1];
            await Eventually.ReturnsAsync(
                () => Task.FromResult(survivor.CurrentSnapshot.GetSiloStatus(leaver.SiloAddress)), s => s == SiloStatus.Active, TimeSpan.FromSeconds(60), "the survivor to see the other silo active");

            await cluster.StopSiloAsync(leaver);

            // Orleans' own table refresh (60 s) would miss this deadline; CHAOS reads the table every 5 s.
            await Eventually.ReturnsAsync(
                () => Task.FromResult(survivor.CurrentSnapshot.GetSiloStatus(leaver.SiloAddress)), s => s == SiloStatus.Dead, TimeSpan.FromSeconds(25), "the survivor to see the leaver dead");
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }
}
