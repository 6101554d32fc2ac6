using Chaos.Api.Gateway;

namespace Chaos.Tests.Gateway;

/// <summary>The front door's connection indexes, in memory: who is found by user, by community, as a channel's viewer.</summary>
public sealed class GatewayConnectionRegistryTests
{
    [Fact]
    public void Connections_AreFoundByTheirUser_UntilRemoved()
    {
        var registry = new GatewayConnectionRegistry();
        registry.Add(new ConnectionInfo("a", 1));
        registry.Add(new ConnectionInfo("b", 1));
        registry.Add(new ConnectionInfo("c", 2));

        registry.ConnectionsOf(1).ShouldBe(["a", "b"], ignoreOrder: true);
        registry.Remove("a").ShouldNotBeNull().UserId.ShouldBe(1);

        registry.ConnectionsOf(1).ShouldBe(["b"]);
        registry.OfUser(2).Select(c => c.ConnectionId).ShouldBe(["c"]);
        registry.Find("a").ShouldBeNull();
        registry.Remove("a").ShouldBeNull();
    }

    [Fact]
    public void Viewers_AreTheCommunitysConnectionsThatMaySeeTheChannel()
    {
        var registry = new GatewayConnectionRegistry();
        var sees = new ConnectionInfo("sees", 1);
        var hidden = new ConnectionInfo("hidden", 2);
        var elsewhere = new ConnectionInfo("elsewhere", 3);
        foreach (var connection in new[] { sees, hidden, elsewhere })
        {
            registry.Add(connection);
        }

        registry.SetChannels(sees, 10, [100, 101]);
        registry.IndexCommunity(10, "sees");
        registry.SetChannels(hidden, 10, [101]);
        registry.IndexCommunity(10, "hidden");
        registry.SetChannels(elsewhere, 20, [100]);
        registry.IndexCommunity(20, "elsewhere");

        registry.Viewers(10, 100).ShouldBe(["sees"]);
        registry.InCommunity(10).Select(c => c.ConnectionId).ShouldBe(["sees", "hidden"], ignoreOrder: true);

        registry.Unindex(10, "sees");
        registry.ForgetChannels(sees, 10);
        registry.Viewers(10, 100).ShouldBeEmpty();
        registry.InCommunity(10).Select(c => c.ConnectionId).ShouldBe(["hidden"]);
    }
}
