using System.Net;
using System.Net.Http.Json;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Gateway;

/// <summary>
/// Bursts of what travels on the streams (edits) from several publishers at once reach a connection whole and in order.
/// Stream queue readers take events one by one as they are queued (docs/architecture.md#stream-queues), so the
/// agent's cache sees a batch per event while consumers are still delivering the previous ones: a cursor moved forward
/// by the agent's refresh then skipped events (found by `chaos-load edits`, docs/benchmarks.md).
/// </summary>
[Collection(GatewayServer.Name)]
public sealed class StreamBurstTests(ApiFixture fixture)
{
    private const int Editors = 3;
    private const int Edits = 40;

    private ChaosServer Server => fixture.Server;

    [Fact]
    public async Task ConcurrentEditBursts_ReachAWatcher_Whole_AndInEachMessagesOrder()
    {
        var owner = await Server.RegisterAsync();
        var community = await GatewayTests.CreateCommunityAsync(owner);
        var general = GatewayTests.GeneralChannel(community);
        var editors = new List<TestUser> { owner };
        for (var i = 1; i < Editors; i++)
        {
            var editor = await Server.RegisterAsync();
            await GatewayTests.JoinAsync(owner, editor, community);
            editors.Add(editor);
        }

        var watcher = await Server.RegisterAsync();
        await GatewayTests.JoinAsync(owner, watcher, community);
        await using var watching = await GatewayClient.ConnectAsync(Server.BaseAddress, watcher.AccessToken, messagePack: true);

        var messages = new string[Editors];
        for (var e = 0; e < Editors; e++)
        {
            messages[e] = (await GatewayTests.SendAsync(editors[e], general, "draft")).GetProperty("id").GetString()!;
        }

        await Task.WhenAll(Enumerable.Range(0, Editors).Select(async e =>
        {
            for (var n = 0; n < Edits; n++)
            {
                var edit = await editors[e].Http.PatchAsJsonAsync($"/api/v1/channels/{general}/messages/{messages[e]}", new { content = $"{e}:{n}" });
                edit.StatusCode.ShouldBe(HttpStatusCode.OK);
            }
        }));

        var updates = await Eventually.ReturnsAsync(
            () => Task.FromResult(watching.Payloads("MessageUpdated").ToList()), u => u.Count >= Editors * Edits, TimeSpan.FromSeconds(30), $"{Editors * Edits} edits");
        updates.Count.ShouldBe(Editors * Edits);
        for (var e = 0; e < Editors; e++)
        {
            var id = messages[e];
            updates.Where(u => u.GetProperty("id").GetString() == id).Select(u => u.GetProperty("content").GetString())
                .ShouldBe(Enumerable.Range(0, Edits).Select(n => $"{e}:{n}"));
        }
    }
}
