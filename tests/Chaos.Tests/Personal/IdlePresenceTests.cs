using System.Text.Json;
using Chaos.Api.Presence;
using Chaos.Presence;
using Chaos.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using static Chaos.Tests.Personal.Personal;

namespace Chaos.Tests.Personal;

/// <summary>
/// Automatic away after the configured idle time (3 s here), ended by activity; a chosen status is kept; an idle
/// connection costs its Presence grain no call, and a steadily active user never turns away.
/// </summary>
public sealed class IdlePresenceTests(IdlePresenceFixture fixture) : IClassFixture<IdlePresenceFixture>
{
    private ChaosServer Server => fixture.Server;

    [Fact]
    public async Task IdleUser_GoesAway_AndComesBackOnActivity_ButAChosenStatusStays()
    {
        var (ada, bob, bobClient, adaClient) = await FriendsConnectedAsync(Server);
        await using var bobConnection = bobClient;
        await using var adaConnection = adaClient;

        await WaitForStatusAsync(bobClient, ada, "online");
        await WaitForStatusAsync(bobClient, ada, "away");

        // Any hub call is activity.
        await Eventually.ReturnsAsync(async () =>
        {
            await adaClient.Connection.InvokeAsync("StopViewingMembers", "1");
            return Statuses(bobClient, ada).LastOrDefault();
        }, s => s == "online", TimeSpan.FromSeconds(20), "ada back online");

        await adaClient.Connection.InvokeAsync<JsonElement>("SetPresence", "busy", null);
        await WaitForStatusAsync(bobClient, ada, "busy");
        var busySince = Statuses(bobClient, ada).Count;

        // A clock that needs no sleeping: carl connects after ada chose busy and goes away after the idle time, so
        // by the time bob sees carl away, ada has been inactive for longer than the idle time too.
        var carl = await Server.RegisterAsync();
        await BefriendAsync(carl, bob);
        await using var carlClient = await GatewayClient.ConnectAsync(Server.BaseAddress, carl.AccessToken);
        await WaitForStatusAsync(bobClient, carl, "away");
        Statuses(bobClient, ada).Skip(busySince).ShouldNotContain("away");
        Statuses(bobClient, ada).Last().ShouldBe("busy");
    }

    [Fact]
    public async Task IdleConnections_CostTheirPresenceGrainsNoCall()
    {
        var (ada, bob, bobClient, adaClient) = await FriendsConnectedAsync(Server);
        await using var bobConnection = bobClient;
        await using var adaConnection = adaClient;
        await WaitForStatusAsync(bobClient, ada, "away", TimeSpan.FromSeconds(30));
        var metrics = Server.Services.GetRequiredService<PresenceMetrics>();
        var tracker = Server.Services.GetRequiredService<PresenceTracker>();

        // Both connections are idle now. Four sweeps (4 s, more than the idle time) pass without a call to a grain:
        // the old design renewed each user's lease every sweep.
        var calls = metrics.FrontDoorCalls;
        var sweeps = tracker.Sweeps;
        await Eventually.ReturnsAsync(() => Task.FromResult(tracker.Sweeps), s => s >= sweeps + 4, TimeSpan.FromSeconds(30), "four sweeps");
        metrics.FrontDoorCalls.ShouldBe(calls, "idle connections cost no Presence grain call");
        Statuses(bobClient, ada).Last().ShouldBe("away");
    }

    [Fact]
    public async Task SteadilyActiveUser_NeverTurnsAway_AndCostsFarFewerCallsThanActions()
    {
        var (ada, bob, bobClient, adaClient) = await FriendsConnectedAsync(Server);
        await using var bobConnection = bobClient;
        await using var adaConnection = adaClient;
        await WaitForStatusAsync(bobClient, ada, "online");
        var metrics = Server.Services.GetRequiredService<PresenceMetrics>();
        var calls = metrics.FrontDoorCalls;

        // Three times the idle time, a hub call every 200 ms: activity reaches the grain only a sweep before each
        // would-be away, yet no away is ever shown. (bob connected first and turns away meanwhile: his one idle
        // transition costs no front-door call either.)
        var actions = 0;
        var until = DateTimeOffset.UtcNow.AddSeconds(9);
        while (DateTimeOffset.UtcNow < until)
        {
            await adaClient.Connection.InvokeAsync("StopViewingMembers", "1");
            actions++;
            await Task.Delay(200);
        }

        Statuses(bobClient, ada).ShouldNotContain("away");
        var made = metrics.FrontDoorCalls - calls;
        made.ShouldBeGreaterThan(0, "activity is passed on before the away");
        made.ShouldBeLessThan(actions / 2, $"{actions} hub calls");
    }
}
