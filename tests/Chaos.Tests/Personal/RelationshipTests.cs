using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chaos.Accounts;
using Chaos.Communities;
using Chaos.Errors;
using Chaos.Relationships;
using Chaos.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static Chaos.Tests.Personal.Personal;
using R = Chaos.Relationships.RelationshipType;

namespace Chaos.Tests.Personal;

/// <summary>Friend requests, acceptance, removal and blocks end to end: REST, PostgreSQL and both sides' gateways.</summary>
[Collection(PersonalServer.Name)]
public sealed class RelationshipTests(ApiFixture fixture)
{
    private ChaosServer Server => fixture.Server;

    [Fact]
    public async Task FriendFlow_RequestAcceptRemove_EventsReachBothSides()
    {
        var ada = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        await using var adaClient = await GatewayClient.ConnectAsync(Server.BaseAddress, ada.AccessToken);
        await using var bobClient = await GatewayClient.ConnectAsync(Server.BaseAddress, bob.AccessToken);

        (await RelateAsync(ada, bob, "friend")).GetProperty("type").GetString().ShouldBe("outgoing");
        await WaitForRelationshipAsync(adaClient, bob, "outgoing");
        await WaitForRelationshipAsync(bobClient, ada, "incoming");
        (await RelationshipsAsync(bob))[ada.Id].ShouldBe("incoming");

        // Requesting again changes nothing; requesting back accepts.
        (await RelateAsync(ada, bob, "friend")).GetProperty("type").GetString().ShouldBe("outgoing");
        (await RelateAsync(bob, ada, "friend")).GetProperty("type").GetString().ShouldBe("friend");
        await WaitForRelationshipAsync(adaClient, bob, "friend");
        await WaitForRelationshipAsync(bobClient, ada, "friend");
        (await RelationshipsAsync(ada))[bob.Id].ShouldBe("friend");
        (await RelationshipsAsync(bob))[ada.Id].ShouldBe("friend");

        // New friends see each other's presence at once, without reconnecting.
        await WaitForStatusAsync(adaClient, bob, "online");
        await WaitForStatusAsync(bobClient, ada, "online");

        (await bob.Http.DeleteAsync($"/api/v1/users/@me/relationships/{ada.Id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await WaitForRelationshipAsync(adaClient, bob, "none");
        await WaitForRelationshipAsync(bobClient, ada, "none");
        (await RelationshipsAsync(ada)).ShouldNotContainKey(bob.Id);
        RelationshipEvents(adaClient, bob).ShouldBe(["outgoing", "friend", "none"]);
        RelationshipEvents(bobClient, ada).ShouldBe(["incoming", "friend", "none"]);

        // Ready carries relationships.
        await RelateAsync(ada, bob, "friend");
        await using var again = await GatewayClient.ConnectAsync(Server.BaseAddress, bob.AccessToken);
        var ready = again.Events[0].Payload.GetProperty("relationships").EnumerateArray().Single();
        ready.GetProperty("userId").GetString().ShouldBe(ada.Id);
        ready.GetProperty("type").GetString().ShouldBe("incoming");
    }

    [Fact]
    public async Task Block_EndsFriendship_TheBlockedSideSeesNone_AndCannotBefriendOrDm()
    {
        var ada = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        await BefriendAsync(ada, bob);
        await using var adaClient = await GatewayClient.ConnectAsync(Server.BaseAddress, ada.AccessToken);
        await using var bobClient = await GatewayClient.ConnectAsync(Server.BaseAddress, bob.AccessToken);
        await WaitForStatusAsync(bobClient, ada, "online");

        (await RelateAsync(ada, bob, "block")).GetProperty("type").GetString().ShouldBe("blocked");
        await WaitForRelationshipAsync(adaClient, bob, "blocked");
        await WaitForRelationshipAsync(bobClient, ada, "none");
        (await RelationshipsAsync(ada))[bob.Id].ShouldBe("blocked");
        (await RelationshipsAsync(bob)).ShouldBeEmpty();
        RelationshipEvents(bobClient, ada).ShouldNotContain("blocked");

        // Bob is never told: his request looks sent, exactly like one that is being ignored, and reaches nobody.
        (await RelateAsync(bob, ada, "friend")).GetProperty("type").GetString().ShouldBe("outgoing");
        await WaitForRelationshipAsync(bobClient, ada, "outgoing");
        (await RelationshipsAsync(ada))[bob.Id].ShouldBe("blocked");
        RelationshipEvents(adaClient, bob).ShouldNotContain("incoming");
        var refused = await Problem.ExpectAsync(await OpenChannelAsync(bob, ada), 403, "forbidden");
        refused.Detail.ShouldNotBeNull().ShouldNotContain("block", Case.Insensitive);
        await Problem.ExpectAsync(await OpenChannelAsync(ada, bob), 403, "forbidden");
        (await RelationshipsAsync(ada))[bob.Id].ShouldBe("blocked");

        // Unblocking ends the block and the ignored request with it; then the two may start over.
        (await ada.Http.DeleteAsync($"/api/v1/users/@me/relationships/{bob.Id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await WaitForRelationshipAsync(adaClient, bob, "none");
        await WaitForRelationshipAsync(bobClient, ada, "none");
        (await RelationshipsAsync(ada)).ShouldBeEmpty();
        (await RelationshipsAsync(bob)).ShouldBeEmpty();
        await BefriendAsync(bob, ada);
        await WaitForRelationshipAsync(adaClient, bob, "friend");
        await WaitForRelationshipAsync(bobClient, ada, "friend");
        (await OpenChannelAsync(bob, ada)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Block_WhileTheOtherAlsoBlocks_KeepsBothBlocks()
    {
        var ada = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        await RelateAsync(ada, bob, "block");
        await RelateAsync(bob, ada, "block");
        (await RelationshipsAsync(ada))[bob.Id].ShouldBe("blocked");
        (await RelationshipsAsync(bob))[ada.Id].ShouldBe("blocked");
        (await ada.Http.DeleteAsync($"/api/v1/users/@me/relationships/{bob.Id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await RelationshipsAsync(ada)).ShouldBeEmpty();
        (await RelationshipsAsync(bob))[ada.Id].ShouldBe("blocked");
        (await RelateAsync(ada, bob, "friend")).GetProperty("type").GetString().ShouldBe("outgoing");
        (await RelationshipsAsync(bob))[ada.Id].ShouldBe("blocked");
    }

    [Fact]
    public async Task HostileRelationshipInputs_AnswerProblems()
    {
        var ada = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        await Problem.ExpectAsync(await ada.Http.PutAsJsonAsync($"/api/v1/users/@me/relationships/{ada.Id}", new { type = "friend" }), 400, "validation_failed");
        await Problem.ExpectAsync(await ada.Http.PutAsJsonAsync($"/api/v1/users/@me/relationships/{bob.Id}", new { type = "enemy" }), 400, "validation_failed");
        await Problem.ExpectAsync(await ada.Http.PutAsJsonAsync($"/api/v1/users/@me/relationships/{bob.Id}", new { }), 400, "validation_failed");
        await Problem.ExpectAsync(await ada.Http.PutAsJsonAsync("/api/v1/users/@me/relationships/not-an-id", new { type = "friend" }), 400, "validation_failed");
        await Problem.ExpectAsync(await ada.Http.PutAsJsonAsync("/api/v1/users/@me/relationships/123456789", new { type = "friend" }), 404, "not_found");
        (await ada.Http.DeleteAsync($"/api/v1/users/@me/relationships/{bob.Id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task ConcurrentRequestsFromBothSides_EndAsFriends_WithoutDeadlock()
    {
        for (var round = 0; round < 5; round++)
        {
            var ada = await Server.RegisterAsync();
            var bob = await Server.RegisterAsync();
            var requests = Enumerable.Range(0, 10).Select(i => i % 2 == 0
                ? ada.Http.PutAsJsonAsync($"/api/v1/users/@me/relationships/{bob.Id}", new { type = "friend" })
                : bob.Http.PutAsJsonAsync($"/api/v1/users/@me/relationships/{ada.Id}", new { type = "friend" }));
            foreach (var response in await Task.WhenAll(requests))
            {
                response.StatusCode.ShouldBe(HttpStatusCode.OK);
            }

            (await RelationshipsAsync(ada))[bob.Id].ShouldBe("friend");
            (await RelationshipsAsync(bob))[ada.Id].ShouldBe("friend");
        }
    }

    [Theory]
    [InlineData(R.None, R.None, R.Friend, R.Outgoing, R.Incoming)]
    [InlineData(R.Incoming, R.Outgoing, R.Friend, R.Friend, R.Friend)]
    [InlineData(R.Outgoing, R.Incoming, R.Friend, R.Outgoing, R.Incoming)]
    [InlineData(R.Friend, R.Friend, R.Blocked, R.Blocked, R.None)]
    [InlineData(R.None, R.Blocked, R.Blocked, R.Blocked, R.Blocked)]
    [InlineData(R.Blocked, R.None, R.None, R.None, R.None)]
    [InlineData(R.Blocked, R.Blocked, R.None, R.None, R.Blocked)]
    [InlineData(R.Friend, R.Friend, R.None, R.None, R.None)]
    [InlineData(R.Incoming, R.Outgoing, R.None, R.None, R.None)]
    [InlineData(R.Blocked, R.None, R.Friend, R.Outgoing, R.Incoming)]
    public void Transition_FollowsTheRules(R actor, R target, R requested, R newActor, R newTarget) =>
        UserGrain.Transition(actor, target, requested).ShouldBe((newActor, newTarget));

    [Theory]
    [InlineData(R.None, R.Blocked, R.Friend, R.Outgoing, R.Blocked)]
    [InlineData(R.Outgoing, R.Blocked, R.Friend, R.Outgoing, R.Blocked)]
    [InlineData(R.Blocked, R.Outgoing, R.None, R.None, R.None)]
    [InlineData(R.Outgoing, R.Blocked, R.None, R.None, R.Blocked)]
    public void Transition_FriendRequestToSomeoneWhoBlockedYou_LooksSent_ReachesNobody_AndUnblockingClearsIt(R actor, R target, R requested, R newActor, R newTarget) =>
        UserGrain.Transition(actor, target, requested).ShouldBe((newActor, newTarget));
}
