using System.Text.Json;
using Chaos.Tests.Gateway;
using Chaos.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using static Chaos.Tests.Personal.Personal;

namespace Chaos.Tests.Personal;

/// <summary>Invisible must be indistinguishable from offline, <c>lastSeenAt</c> included (issue 11, item 11).</summary>
[Collection(PresenceServer.Name)]
public sealed class InvisibleLastSeenTests(PresenceFixture fixture)
{
    private ChaosServer Server => fixture.Server;

    [Fact]
    public async Task GoingInvisible_ShowsALastSeenTime_ThatALaterDisconnectDoesNotMove()
    {
        var ada = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        await BefriendAsync(ada, bob);
        await using var bobClient = await GatewayClient.ConnectAsync(Server.BaseAddress, bob.AccessToken);
        var adaClient = await GatewayClient.ConnectAsync(Server.BaseAddress, ada.AccessToken);
        await WaitForStatusAsync(bobClient, ada, "online");

        await adaClient.Connection.InvokeAsync<JsonElement>("SetPresence", "invisible", null);
        await WaitForStatusAsync(bobClient, ada, "offline");
        var invisible = LastPresence(bobClient, ada);
        // A real disconnect shows when the user was last seen; invisible must show the same kind of value, not null.
        invisible.GetProperty("lastSeenAt").ValueKind.ShouldBe(JsonValueKind.String);

        // Side by side with a user who really went offline, the two events have the same shape.
        var cyd = await Server.RegisterAsync();
        await BefriendAsync(cyd, bob);
        var cydClient = await GatewayClient.ConnectAsync(Server.BaseAddress, cyd.AccessToken);
        await WaitForStatusAsync(bobClient, cyd, "online");
        await cydClient.DisposeAsync();
        await WaitForStatusAsync(bobClient, cyd, "offline");
        Shape(LastPresence(bobClient, cyd)).ShouldBe(Shape(invisible));

        // A later real disconnect changes nothing anyone can see.
        var before = bobClient.Payloads("PresenceUpdated").Count(p => p.GetProperty("userId").GetString() == ada.Id);
        await adaClient.DisposeAsync();
        await using var bobAgain = await GatewayClient.ConnectAsync(Server.BaseAddress, bob.AccessToken);
        bobAgain.Events[0].Payload.GetProperty("presences").EnumerateArray().Select(p => p.GetProperty("userId").GetString()).ShouldNotContain(ada.Id);
        bobClient.Payloads("PresenceUpdated").Count(p => p.GetProperty("userId").GetString() == ada.Id).ShouldBe(before);
    }

    private static string Shape(JsonElement presence) =>
        string.Join(",", presence.EnumerateObject().Select(p => p.Name == "userId" ? "userId" : $"{p.Name}:{p.Value.ValueKind}:{(p.Name == "lastSeenAt" ? "" : p.Value.ToString())}"));

    private static JsonElement LastPresence(GatewayClient client, TestUser of) =>
        client.Payloads("PresenceUpdated").Last(p => p.GetProperty("userId").GetString() == of.Id);
}
