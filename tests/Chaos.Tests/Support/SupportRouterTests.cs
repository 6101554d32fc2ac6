using Chaos.Support;

namespace Chaos.Tests.Support;

/// <summary>The routing rule as a pure function: least loaded with room, then idle longest, then lowest id.</summary>
public sealed class SupportRouterTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Pick_PrefersFewestOpen_ThenIdleLongest_ThenLowestId_AndSkipsAwayOrFullAgents()
    {
        var agents = new Dictionary<long, SupportAgentState>
        {
            [1] = Agent(SupportAgentStatus.Available, 3, T0.AddMinutes(5)),
            [2] = Agent(SupportAgentStatus.Available, 3, T0.AddMinutes(1)),
            [3] = Agent(SupportAgentStatus.Away, 3, T0),
            [4] = Agent(SupportAgentStatus.Available, 1, T0),
            [5] = Agent(SupportAgentStatus.Available, 3, T0.AddMinutes(1)),
        };
        var open = new Dictionary<long, int> { [1] = 1, [2] = 1, [3] = 0, [4] = 1, [5] = 2 };

        // 3 is away, 4 is full; 1 and 2 have one each, and 2 has been idle longer.
        SupportRouter.Pick(agents, id => open[id]).ShouldBe(2);
        open[2] = 2;
        SupportRouter.Pick(agents, id => open[id]).ShouldBe(1);
        open[1] = 2;
        // 1, 2 and 5 have two each; 2 and 5 tie on idle time: the lower id wins.
        SupportRouter.Pick(agents, id => open[id]).ShouldBe(2);
        open[1] = open[2] = open[5] = 3;
        SupportRouter.Pick(agents, id => open[id]).ShouldBeNull();
    }

    private static SupportAgentState Agent(SupportAgentStatus status, int max, DateTimeOffset idleSince) =>
        new() { Status = status, MaxConcurrent = max, IdleSince = idleSince };
}
