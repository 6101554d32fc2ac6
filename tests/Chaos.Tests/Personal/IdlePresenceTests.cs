using System.Text.Json;
using Chaos.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using static Chaos.Tests.Personal.Personal;

namespace Chaos.Tests.Personal;

/// <summary>Automatic away after the configured idle time (1 s here), ended by activity; a chosen status is kept.</summary>
public sealed class IdlePresenceTests(IdlePresenceFixture fixture) : IClassFixture<IdlePresenceFixture>
{
    private ChaosServer Server => fixture.Server;

    [Fact]
    public async Task IdleUser_GoesAway_AndComesBackOnActivity_ButAChosenStatusStays()
    {
        var ada = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        await BefriendAsync(ada, bob);
        await using var bobClient = await GatewayClient.ConnectAsync(Server.BaseAddress, bob.AccessToken);
        await using var adaClient = await GatewayClient.ConnectAsync(Server.BaseAddress, ada.AccessToken);

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
}
