using System.Net.Http.Json;
using System.Text.Json;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Support;

/// <summary>
/// Routing of the support desk through the real front door on PostgreSQL: capacity, least-loaded first, the FCFS queue
/// and the positions guests see live, transfer and close, and the figures on the dashboard and <c>/metrics</c>.
/// </summary>
[Collection(SupportCollection.Name)]
public sealed class SupportRoutingTests(SupportFixture fixture)
{
    private ChaosServer Server => fixture.Server;

    [Fact]
    public async Task HundredGuestsAtOnce_FiveAgentsOfThree_FifteenAssignedAndEightyFiveQueuedInArrivalOrder()
    {
        var (owner, communityId) = await SupportKit.CreateDeskAsync(Server);
        var agents = await SupportKit.AddAgentsAsync(Server, owner, communityId, 5);
        foreach (var each in agents)
        {
            (await SupportKit.SetAgentAsync(each, communityId, "available", 3)).GetProperty("openConversations").GetInt32().ShouldBe(0);
        }

        var guests = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => SupportKit.StartAsync(Server, communityId, $"Guest {i}", $"Help number {i}")));

        var assigned = guests.Where(g => g.Conversation.Status() == "assigned").ToList();
        var queued = guests.Where(g => g.Conversation.Status() == "queued").ToList();
        assigned.Count.ShouldBe(15);
        queued.Count.ShouldBe(85);
        assigned.GroupBy(g => g.Conversation.AgentId()).Select(g => g.Count()).ShouldAllBe(n => n == 3);
        assigned.Select(g => g.Conversation.AgentId()).Distinct().Count().ShouldBe(5);
        // Each guest was told its place on arrival; nothing has left the queue since, so that is its place now, and the
        // places are exactly 1..85 in the order the desk received the guests.
        queued.Select(g => g.Conversation.Position()!.Value).Order().ShouldBe(Enumerable.Range(1, 85));
        var now = await Task.WhenAll(queued.Select(g => SupportKit.GetAsync(g.Http, $"/api/v1/support/conversations/{g.ConversationId}")));
        now.Select(c => c.Position()).ShouldBe(queued.Select(g => g.Conversation.Position()));
        var byPosition = now.OrderBy(c => c.Position()).ToList();
        byPosition.Select(c => c.GetProperty("createdAt").GetDateTimeOffset()).ShouldBeInOrder();

        var listed = await SupportKit.GetAsync(agents[0].Http, $"/api/v1/communities/{communityId}/support/conversations?status=queued&limit=100");
        listed.GetArrayLength().ShouldBe(85);
        var stats = await SupportKit.GetAsync(agents[0].Http, $"/api/v1/communities/{communityId}/support/stats");
        (stats.GetProperty("queued").GetInt32(), stats.GetProperty("assigned").GetInt32(), stats.GetProperty("agentsAvailable").GetInt32()).ShouldBe((85, 15, 5));

        // The next in line watches its place live; closing one assigns the head of the queue to the agent who has room.
        var first = byPosition[0];
        var second = queued.Single(g => g.ConversationId == byPosition[1].Id());
        await using var watching = await GatewayClient.ConnectAsync(Server.BaseAddress, second.Token, awaitReady: false);
        await watching.WaitForAsync("SupportConversationUpdated", c => c.Position() == 2);
        var done = assigned[0];
        var agent = agents.Single(a => a.Id == done.Conversation.AgentId());
        var closed = await SupportKit.PostAsync(agent.Http, $"/api/v1/support/conversations/{done.ConversationId}/close");
        closed.Status().ShouldBe("closed");

        await watching.WaitForAsync("SupportConversationUpdated", c => c.Id() == second.ConversationId && c.Position() == 1, TimeSpan.FromSeconds(30));
        var next = await SupportKit.GetAsync(agent.Http, $"/api/v1/support/conversations/{first.Id()}");
        (next.Status(), next.AgentId()).ShouldBe(("assigned", agent.Id));
        var third = await SupportKit.GetAsync(agent.Http, $"/api/v1/support/conversations/{byPosition[2].Id()}");
        third.Position().ShouldBe(2);

        var scrape = await Eventually.ReturnsAsync(
            () => Server.Http.GetStringAsync("/metrics"),
            text => text.Split('\n').Any(l => l.StartsWith("chaos_support_queue_length{", StringComparison.Ordinal) && l.Contains($"community=\"{communityId}\"", StringComparison.Ordinal))
                && text.Contains("chaos_support_wait_seconds_bucket", StringComparison.Ordinal)
                && text.Contains("chaos_support_handle_seconds_bucket", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30),
            "the support desk's metrics on /metrics");
        scrape.ShouldContain("chaos_support_assigned");
    }

    [Fact]
    public async Task Routing_PrefersTheLeastLoadedAgent_ThenTheOneIdleLongest_AndTransferMovesTheLoad()
    {
        var (owner, communityId) = await SupportKit.CreateDeskAsync(Server);
        var agents = await SupportKit.AddAgentsAsync(Server, owner, communityId, 2);
        var (a, b) = (agents[0], agents[1]);
        await SupportKit.SetAgentAsync(a, communityId, "available", 2);
        await SupportKit.SetAgentAsync(b, communityId, "available", 2);

        // Both idle with no load: a became available first, so a has been idle longest.
        var g1 = await SupportKit.StartAsync(Server, communityId, "One", "first");
        g1.Conversation.AgentId().ShouldBe(a.Id);
        var g2 = await SupportKit.StartAsync(Server, communityId, "Two", "second");
        g2.Conversation.AgentId().ShouldBe(b.Id);
        var g3 = await SupportKit.StartAsync(Server, communityId, "Three", "third");
        g3.Conversation.AgentId().ShouldBe(a.Id);

        // a transfers g3 to b: b now has two (full), a has one.
        var moved = await SupportKit.PostAsync(a.Http, $"/api/v1/support/conversations/{g3.ConversationId}/assign", new { agentId = b.Id });
        moved.AgentId().ShouldBe(b.Id);
        var g4 = await SupportKit.StartAsync(Server, communityId, "Four", "fourth");
        g4.Conversation.AgentId().ShouldBe(a.Id);
        var g5 = await SupportKit.StartAsync(Server, communityId, "Five", "fifth");
        (g5.Conversation.Status(), g5.Conversation.Position()).ShouldBe(("queued", 1));

        // A full agent cannot take more; away agents get nothing; taking a queued one needs room.
        await Problem.ExpectAsync(await a.Http.PostAsJsonAsync($"/api/v1/support/conversations/{g5.ConversationId}/assign", new { }), 409, "conflict");
        await SupportKit.PostAsync(a.Http, $"/api/v1/support/conversations/{g1.ConversationId}/close");
        var taken = await SupportKit.GetAsync(a.Http, $"/api/v1/support/conversations/{g5.ConversationId}");
        (taken.Status(), taken.AgentId()).ShouldBe(("assigned", a.Id));

        // Messages flow both ways; only the assigned agent writes; the guest reads them in seq order.
        await SupportKit.PostAsync(g5.Http, $"/api/v1/support/conversations/{g5.ConversationId}/messages", new { content = "still there?" });
        await SupportKit.PostAsync(a.Http, $"/api/v1/support/conversations/{g5.ConversationId}/messages", new { content = "yes, looking now" });
        await Problem.ExpectAsync(await b.Http.PostAsJsonAsync($"/api/v1/support/conversations/{g5.ConversationId}/messages", new { content = "me too" }), 403, "forbidden");
        var messages = await SupportKit.GetAsync(g5.Http, $"/api/v1/support/conversations/{g5.ConversationId}/messages");
        messages.EnumerateArray().Select(m => (m.GetProperty("seq").GetInt64(), m.GetProperty("content").GetString())).ShouldBe(
            [(1L, "fifth"), (2L, "still there?"), (3L, "yes, looking now")]);
        messages[0].GetProperty("author").GetProperty("guest").GetBoolean().ShouldBeTrue();
        messages[0].GetProperty("author").GetProperty("name").GetString().ShouldBe("Five");
        messages[2].GetProperty("author").GetProperty("id").GetString().ShouldBe(a.Id);

        // Close, then the guest rates once.
        await SupportKit.PostAsync(g5.Http, $"/api/v1/support/conversations/{g5.ConversationId}/close");
        await Problem.ExpectAsync(await g5.Http.PostAsJsonAsync($"/api/v1/support/conversations/{g5.ConversationId}/messages", new { content = "late" }), 409, "conflict");
        var rated = await SupportKit.PostAsync(g5.Http, $"/api/v1/support/conversations/{g5.ConversationId}/rating", new { score = 5, comment = "quick" });
        rated.GetProperty("rating").GetProperty("score").GetInt32().ShouldBe(5);
        await Problem.ExpectAsync(await g5.Http.PostAsJsonAsync($"/api/v1/support/conversations/{g5.ConversationId}/rating", new { score = 1 }), 409, "conflict");
        await Problem.ExpectAsync(await a.Http.PostAsJsonAsync($"/api/v1/support/conversations/{g4.ConversationId}/rating", new { score = 1 }), 403, "forbidden");
        var stats = await SupportKit.GetAsync(a.Http, $"/api/v1/communities/{communityId}/support/stats");
        stats.GetProperty("ratingAverage").GetDouble().ShouldBe(5);
        stats.GetProperty("medianWaitSeconds").ValueKind.ShouldBe(JsonValueKind.Number);
    }
}
