using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chaos.Presence;
using Chaos.Tests.Gateway;
using Chaos.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;
using static Chaos.Tests.Personal.Personal;

namespace Chaos.Tests.Personal;

/// <summary>Presence as friends and co-members see it, over real SignalR connections on PostgreSQL.</summary>
[Collection(PresenceServer.Name)]
public sealed class PresenceTests(PresenceFixture fixture, ITestOutputHelper output)
{
    private ChaosServer Server => fixture.Server;

    [Fact]
    public async Task ConnectDisconnect_AcrossDevices_FriendsSeeOnlineUntilTheLastOneGoes()
    {
        var ada = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        await BefriendAsync(ada, bob);
        await using var bobClient = await GatewayClient.ConnectAsync(Server.BaseAddress, bob.AccessToken);
        bobClient.Events[0].Payload.GetProperty("presences").GetArrayLength().ShouldBe(0, "ada is offline");

        var phone = await GatewayClient.ConnectAsync(Server.BaseAddress, ada.AccessToken);
        await WaitForStatusAsync(bobClient, ada, "online");
        var laptop = await GatewayClient.ConnectAsync(Server.BaseAddress, ada.AccessToken);
        laptop.Events[0].Payload.GetProperty("presences").EnumerateArray()
            .Single(p => p.GetProperty("userId").GetString() == bob.Id).GetProperty("status").GetString().ShouldBe("online");
        await phone.DisposeAsync();

        // Still online on the laptop: the next thing bob sees is the status ada chooses there, not offline.
        var own = await laptop.Connection.InvokeAsync<JsonElement>("SetPresence", "busy", "in a meeting");
        own.GetProperty("status").GetString().ShouldBe("busy");
        await WaitForStatusAsync(bobClient, ada, "busy");
        Statuses(bobClient, ada).ShouldNotContain("offline");
        bobClient.Payloads("PresenceUpdated").Last(p => p.GetProperty("userId").GetString() == ada.Id)
            .GetProperty("statusMessage").GetString().ShouldBe("in a meeting");

        await laptop.DisposeAsync();
        await WaitForStatusAsync(bobClient, ada, "offline");
        var offline = bobClient.Payloads("PresenceUpdated").Last(p => p.GetProperty("userId").GetString() == ada.Id);
        offline.GetProperty("lastSeenAt").ValueKind.ShouldBe(JsonValueKind.String);
        offline.GetProperty("statusMessage").GetString().ShouldBe(string.Empty);
    }

    [Fact]
    public async Task Invisible_LooksOfflineToOthers_AndRestSetsPresenceToo()
    {
        var (ada, bob, bobClient, adaClient) = await FriendsConnectedAsync(Server);
        await using var bobConnection = bobClient;
        await using var adaConnection = adaClient;
        await WaitForStatusAsync(bobClient, ada, "online");

        var own = await adaClient.Connection.InvokeAsync<JsonElement>("SetPresence", "invisible", null);
        own.GetProperty("status").GetString().ShouldBe("invisible");
        await WaitForStatusAsync(bobClient, ada, "offline");

        // Reconnecting bob sees ada as absent from Ready's presences, never as invisible.
        await using var bobAgain = await GatewayClient.ConnectAsync(Server.BaseAddress, bob.AccessToken);
        bobAgain.Events[0].Payload.GetProperty("presences").EnumerateArray().Select(p => p.GetProperty("userId").GetString()).ShouldNotContain(ada.Id);

        var rest = await ada.Http.PutAsJsonAsync("/api/v1/users/@me/presence", new { status = "away", statusMessage = "lunch" });
        rest.StatusCode.ShouldBe(HttpStatusCode.OK, await rest.Content.ReadAsStringAsync());
        (await rest.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString().ShouldBe("away");
        await WaitForStatusAsync(bobClient, ada, "away");
        (await ada.Http.GetFromJsonAsync<JsonElement>("/api/v1/users/@me")).GetProperty("statusMessage").GetString().ShouldBe("lunch");
        bobClient.Payloads("PresenceUpdated").Select(p => p.GetProperty("status").GetString()).ShouldNotContain("invisible");
        bobAgain.Payloads("PresenceUpdated").Select(p => p.GetProperty("status").GetString()).ShouldNotContain("invisible");

        (await ada.Http.PatchAsJsonAsync("/api/v1/users/@me", new { statusMessage = "back at my desk" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        await bobClient.WaitForAsync("PresenceUpdated", p => p.GetProperty("userId").GetString() == ada.Id && p.GetProperty("statusMessage").GetString() == "back at my desk");

        await Problem.ExpectAsync(await ada.Http.PutAsJsonAsync("/api/v1/users/@me/presence", new { status = "offline" }), 400, "validation_failed");
        await Problem.ExpectAsync(await ada.Http.PutAsJsonAsync("/api/v1/users/@me/presence", new { status = "online", statusMessage = new string('x', 129) }), 400, "validation_failed");
        (await Should.ThrowAsync<HubException>(() => adaClient.Connection.InvokeAsync<JsonElement>("SetPresence", "dancing", null))).Message.ShouldContain("validation_failed:");
    }

    [Fact]
    public async Task FlappingConnection_20TimesInASecond_ObserversSeeABoundedNumberOfUpdates()
    {
        var ada = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        await BefriendAsync(ada, bob);
        await using var bobClient = await GatewayClient.ConnectAsync(Server.BaseAddress, bob.AccessToken);

        var flapping = Stopwatch.StartNew();
        var flaps = 0;
        while (flaps < 20)
        {
            var connection = new HubConnectionBuilder()
                .WithUrl(new Uri(Server.BaseAddress, "/gateway"), o =>
                {
                    o.AccessTokenProvider = () => Task.FromResult<string?>(ada.AccessToken);
                    o.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets;
                    o.SkipNegotiation = true;
                })
                .Build();
            await connection.StartAsync();
            await connection.DisposeAsync();
            flaps++;
        }

        flapping.Stop();
        // A marker after the burst: whatever bob saw of the burst came before it.
        await using var adaClient = await GatewayClient.ConnectAsync(Server.BaseAddress, ada.AccessToken);
        await adaClient.Connection.InvokeAsync<JsonElement>("SetPresence", "busy", "marker");
        await WaitForStatusAsync(bobClient, ada, "busy");
        var seen = Statuses(bobClient, ada);
        var duringBurst = seen.Count - 1;
        var window = TimeSpan.FromMilliseconds(300);
        var bound = 2 + (int)Math.Ceiling(flapping.Elapsed / window);
        output.WriteLine($"{flaps} connect/disconnect cycles in {flapping.ElapsedMilliseconds} ms; bob saw {duringBurst} updates ({string.Join(", ", seen)}); bound {bound}");
        duringBurst.ShouldBeLessThanOrEqualTo(bound);
        duringBurst.ShouldBeLessThan(2 * flaps);
    }

    [Fact]
    public async Task NoPresence_ForUsersWithoutARelationshipOrASharedSmallCommunity()
    {
        var ada = await Server.RegisterAsync();
        var friend = await Server.RegisterAsync();
        var stranger = await Server.RegisterAsync();
        var requester = await Server.RegisterAsync();
        var coMember = await Server.RegisterAsync();
        var bigMember = await Server.RegisterAsync();
        await BefriendAsync(ada, friend);
        await RelateAsync(requester, ada, "friend");

        // A small community (≤ 5 members here) shares presence; a big one does not.
        var small = await GatewayTests.CreateCommunityAsync(ada);
        await GatewayTests.JoinAsync(ada, coMember, small);
        var big = await GatewayTests.CreateCommunityAsync(bigMember);
        await GatewayTests.JoinAsync(bigMember, ada, big);
        for (var i = 0; i < 5; i++)
        {
            await GatewayTests.JoinAsync(bigMember, await Server.RegisterAsync(), big);
        }

        await using var friendClient = await GatewayClient.ConnectAsync(Server.BaseAddress, friend.AccessToken);
        await using var strangerClient = await GatewayClient.ConnectAsync(Server.BaseAddress, stranger.AccessToken);
        await using var requesterClient = await GatewayClient.ConnectAsync(Server.BaseAddress, requester.AccessToken);
        await using var coMemberClient = await GatewayClient.ConnectAsync(Server.BaseAddress, coMember.AccessToken);
        await using var bigClient = await GatewayClient.ConnectAsync(Server.BaseAddress, bigMember.AccessToken);

        await using var adaClient = await GatewayClient.ConnectAsync(Server.BaseAddress, ada.AccessToken);
        await WaitForStatusAsync(friendClient, ada, "online");
        await WaitForStatusAsync(coMemberClient, ada, "online");
        await adaClient.Connection.InvokeAsync<JsonElement>("SetPresence", "busy", null);
        await WaitForStatusAsync(friendClient, ada, "busy");
        await WaitForStatusAsync(coMemberClient, ada, "busy");

        // Viewing the big community's member list brings its members' presence to that connection only.
        var viewed = await bigClient.Connection.InvokeAsync<JsonElement>("StartViewingMembers", big.GetProperty("id").GetString());
        viewed.EnumerateArray().Single(p => p.GetProperty("userId").GetString() == ada.Id).GetProperty("status").GetString().ShouldBe("busy");
        await adaClient.Connection.InvokeAsync<JsonElement>("SetPresence", "online", null);
        await WaitForStatusAsync(bigClient, ada, "online");
        await bigClient.Connection.InvokeAsync("StopViewingMembers", big.GetProperty("id").GetString());
        await adaClient.Connection.InvokeAsync<JsonElement>("SetPresence", "away", null);
        await WaitForStatusAsync(friendClient, ada, "away");
        await WaitForStatusAsync(coMemberClient, ada, "away");

        Statuses(strangerClient, ada).ShouldBeEmpty();
        Statuses(requesterClient, ada).ShouldBeEmpty();
        Statuses(bigClient, ada).ShouldBe(["online"]);
        strangerClient.Payloads("PresenceUpdated").ShouldBeEmpty();
        foreach (var client in new[] { strangerClient, requesterClient, bigClient })
        {
            client.Events[0].Payload.GetProperty("presences").EnumerateArray().Select(p => p.GetProperty("userId").GetString()).ShouldNotContain(ada.Id);
        }

        // A friendship that ends stops the flow at once.
        (await friend.Http.DeleteAsync($"/api/v1/users/@me/relationships/{ada.Id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await WaitForRelationshipAsync(friendClient, ada, "none");
        var seenBefore = Statuses(friendClient, ada).Count;
        await adaClient.Connection.InvokeAsync<JsonElement>("SetPresence", "busy", "after unfriending");
        await WaitForStatusAsync(coMemberClient, ada, "busy");
        Statuses(friendClient, ada).Count.ShouldBe(seenBefore, "nothing after the friendship ended");
    }

    [Fact]
    public async Task SmallCommunity_JoinedAndLeftWhileConnected_StartsAndStopsPresenceBothWays_AndOnlyThere()
    {
        var ada = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var carol = await Server.RegisterAsync();   // bob's friend: shows when a change of bob's has gone out
        var dan = await Server.RegisterAsync();     // ada's co-member in another small community only
        await BefriendAsync(bob, carol);
        var small = await GatewayTests.CreateCommunityAsync(ada);
        var other = await GatewayTests.CreateCommunityAsync(ada);
        await GatewayTests.JoinAsync(ada, dan, other);

        await using var adaClient = await GatewayClient.ConnectAsync(Server.BaseAddress, ada.AccessToken);
        await using var danClient = await GatewayClient.ConnectAsync(Server.BaseAddress, dan.AccessToken);
        await using var carolClient = await GatewayClient.ConnectAsync(Server.BaseAddress, carol.AccessToken);
        await using var bobClient = await GatewayClient.ConnectAsync(Server.BaseAddress, bob.AccessToken);
        await WaitForStatusAsync(carolClient, bob, "online");

        // bob joins while everyone is connected: the member already there hears of him, and he of her.
        await GatewayTests.JoinAsync(ada, bob, small);
        await WaitForStatusAsync(adaClient, bob, "online");
        await WaitForStatusAsync(bobClient, ada, "online");
        await bobClient.Connection.InvokeAsync<JsonElement>("SetPresence", "busy", null);
        await WaitForStatusAsync(adaClient, bob, "busy");
        await WaitForStatusAsync(carolClient, bob, "busy");
        await adaClient.Connection.InvokeAsync<JsonElement>("SetPresence", "away", null);
        await WaitForStatusAsync(bobClient, ada, "away");

        // bob leaves: the flow stops both ways. It is undone beside the event stream, so a change or two may still pass;
        // each side is shown stopped by a change its witness (a friend, the other community's member) sees and it does not.
        (await bob.Http.DeleteAsync($"/api/v1/communities/{small.GetProperty("id").GetString()}/members/@me")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await StopsReachingAsync(bobClient, bob, adaClient, carolClient);
        await StopsReachingAsync(adaClient, ada, bobClient, danClient);

        // The other small community's member heard of ada throughout, never of bob.
        Statuses(danClient, bob).ShouldBeEmpty();
    }

    /// <summary>
    /// Changes <paramref name="speaker"/>'s presence until one reaches <paramref name="witness"/> but not
    /// <paramref name="listener"/>, then once more to show it stays that way.
    /// </summary>
    private static async Task StopsReachingAsync(GatewayClient speakerClient, TestUser speaker, GatewayClient listener, GatewayClient witness)
    {
        var changes = 0;
        async Task<bool> ChangeAsync()
        {
            var seen = Statuses(listener, speaker).Count;
            var text = $"change {++changes}";
            await speakerClient.Connection.InvokeAsync<JsonElement>("SetPresence", changes % 2 == 0 ? "online" : "busy", text);
            await witness.WaitForAsync("PresenceUpdated", p => p.GetProperty("userId").GetString() == speaker.Id && p.GetProperty("statusMessage").GetString() == text);
            return Statuses(listener, speaker).Count == seen;
        }

        await Eventually.ReturnsAsync(ChangeAsync, stopped => stopped, TimeSpan.FromSeconds(20), $"{speaker.Username}'s changes to stop reaching the other");
        (await ChangeAsync()).ShouldBeTrue($"{speaker.Username}'s changes stay stopped");
    }

    [Fact]
    public async Task DeadFrontDoor_ItsConnectionsStopCounting_OnceItHasMissedTheDirectorysLease()
    {
        var ada = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        await BefriendAsync(ada, bob);
        await using var bobClient = await GatewayClient.ConnectAsync(Server.BaseAddress, bob.AccessToken);
        var grains = Server.Services.GetRequiredService<IGrainFactory>();
        var presence = grains.GetGrain<IPresenceGrain>(long.Parse(ada.Id, System.Globalization.CultureInfo.InvariantCulture));

        // A front door that registers one connection and then dies: it never renews its entry in the front-door
        // directory and never says goodbye. The silo's watch finds it missing for a whole lease (15 s).
        await presence.ConnectAsync("a-front-door-that-dies", "connection-1");
        await WaitForStatusAsync(bobClient, ada, "online");
        var died = Stopwatch.StartNew();
        await WaitForStatusAsync(bobClient, ada, "offline", TimeSpan.FromSeconds(60));
        output.WriteLine($"offline {died.ElapsedMilliseconds} ms after the front door's last word (directory lease 15 s, checked every 5 s)");
        died.Elapsed.ShouldBeGreaterThan(TimeSpan.FromSeconds(10), "not before the front door has missed its lease");
    }

    [Fact]
    public async Task FrontDoorTakenForDead_RestoresItsConnections_AtItsNextRenewal()
    {
        var (ada, bob, bobClient, adaClient) = await FriendsConnectedAsync(Server);
        await using var bobConnection = bobClient;
        await using var adaConnection = adaClient;
        await WaitForStatusAsync(bobClient, ada, "online");
        var before = Statuses(bobClient, ada).Count;
        var grains = Server.Services.GetRequiredService<IGrainFactory>();
        var frontDoorId = Server.Services.GetRequiredService<Chaos.Api.Presence.PresenceTracker>().FrontDoorId;

        // What a silo does when this live front door missed its lease (starved, cut off): the grain drops the door's
        // connections, and the directory has forgotten the door. Its next renewal (every 5 s) finds that out.
        await grains.GetGrain<IPresenceGrain>(long.Parse(ada.Id, System.Globalization.CultureInfo.InvariantCulture)).FrontDoorGoneAsync(frontDoorId);
        await grains.GetGrain<Chaos.Gateway.IFrontDoorDirectoryGrain>(0).UnregisterAsync(frontDoorId);

        var seen = await Eventually.ReturnsAsync(
            () => Task.FromResult(Statuses(bobClient, ada).Skip(before).ToList()),
            s => s.Contains("offline") && s.LastOrDefault() == "online",
            TimeSpan.FromSeconds(30),
            "ada dropped, then restored by her front door");
        output.WriteLine($"bob saw: {string.Join(", ", seen)}");
    }
}
