using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chaos.Api.Gateway;
using Chaos.Gateway;
using Chaos.Hosting;
using Chaos.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Streams;
using Chaos.PrivateChannels;
using static Chaos.Tests.Personal.Personal;

namespace Chaos.Tests.Personal;

/// <summary>DMs and group DMs: one DM per pair, groups with owner add/remove, blocks, and the shared message path.</summary>
[Collection(PersonalServer.Name)]
public sealed class PrivateChannelTests(ApiFixture fixture)
{
    private ChaosServer Server => fixture.Server;

    [Fact]
    public async Task Dm_ConcurrentCreationFromBothSides_IsCreatedExactlyOnce()
    {
        var ada = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var opens = Enumerable.Range(0, 40).Select(i => i % 2 == 0 ? OpenChannelAsync(ada, bob) : OpenChannelAsync(bob, ada));
        var ids = new HashSet<string>();
        foreach (var response in await Task.WhenAll(opens))
        {
            var body = await response.Content.ReadAsStringAsync();
            response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
            var channel = JsonDocument.Parse(body).RootElement;
            channel.GetProperty("type").GetString().ShouldBe("dm");
            channel.GetProperty("communityId").ValueKind.ShouldBe(JsonValueKind.Null);
            channel.GetProperty("recipientIds").EnumerateArray().Select(r => r.GetString()).Order().ShouldBe(new[] { ada.Id, bob.Id }.Order());
            ids.Add(channel.GetProperty("id").GetString()!);
        }

        ids.Count.ShouldBe(1);
        foreach (var user in new[] { ada, bob })
        {
            var mine = await user.Http.GetFromJsonAsync<JsonElement>("/api/v1/users/@me/channels");
            mine.EnumerateArray().Select(c => c.GetProperty("id").GetString()).ShouldBe(ids);
        }

        (await ada.Http.GetFromJsonAsync<JsonElement>($"/api/v1/channels/{ids.Single()}")).GetProperty("type").GetString().ShouldBe("dm");
    }

    [Fact]
    public async Task Dm_StartsFlowingToOpenConnections_AndMessagesUseTheSamePath()
    {
        var ada = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var eve = await Server.RegisterAsync();
        await using var bobClient = await GatewayClient.ConnectAsync(Server.BaseAddress, bob.AccessToken);
        await using var eveClient = await GatewayClient.ConnectAsync(Server.BaseAddress, eve.AccessToken);

        var dm = await OpenChannelOkAsync(ada, bob);
        var dmId = dm.GetProperty("id").GetString()!;
        var created = await bobClient.WaitForAsync("ChannelCreated", c => c.GetProperty("id").GetString() == dmId);
        created.GetProperty("type").GetString().ShouldBe("dm");

        var sent = await ada.Http.PostAsJsonAsync($"/api/v1/channels/{dmId}/messages", new { content = "hi bob", nonce = "n1" });
        sent.StatusCode.ShouldBe(HttpStatusCode.Created, await sent.Content.ReadAsStringAsync());
        var message = await bobClient.WaitForAsync("MessageCreated", m => m.GetProperty("channelId").GetString() == dmId);
        message.GetProperty("content").GetString().ShouldBe("hi bob");
        message.GetProperty("seq").GetInt64().ShouldBe(1);
        var reply = await bobClient.Connection.InvokeAsync<JsonElement>("SendMessage", dmId, "hi ada", null);
        reply.GetProperty("seq").GetInt64().ShouldBe(2);
        (await bob.Http.PostAsync($"/api/v1/channels/{dmId}/typing", null)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await ada.Http.GetFromJsonAsync<JsonElement>($"/api/v1/channels/{dmId}/messages")).GetArrayLength().ShouldBe(2);

        // Nobody else may read or write, and nothing reaches them.
        await Problem.ExpectAsync(await eve.Http.PostAsJsonAsync($"/api/v1/channels/{dmId}/messages", new { content = "me too" }), 403, "missing_permission");
        await Problem.ExpectAsync(await eve.Http.GetAsync($"/api/v1/channels/{dmId}/messages"), 403, "missing_permission");
        await Problem.ExpectAsync(await eve.Http.GetAsync($"/api/v1/channels/{dmId}"), 403, "missing_permission");
        eveClient.Payloads("MessageCreated").ShouldBeEmpty();
        eveClient.Payloads("ChannelCreated").ShouldBeEmpty();

        // A new connection gets the DM in Ready and receives its messages.
        await using var adaClient = await GatewayClient.ConnectAsync(Server.BaseAddress, ada.AccessToken);
        adaClient.Events[0].Payload.GetProperty("dmChannels").EnumerateArray().Select(c => c.GetProperty("id").GetString()).ShouldContain(dmId);
        await bobClient.Connection.InvokeAsync<JsonElement>("SendMessage", dmId, "after ready", null);
        await adaClient.WaitForAsync("MessageCreated", m => m.GetProperty("content").GetString() == "after ready");
    }

    [Fact]
    public async Task Dm_WithSomeoneWhoBlockedYou_IsRefused_AndAnExistingDmStopsCarryingMessages()
    {
        var ada = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var dmId = (await OpenChannelOkAsync(ada, bob)).GetProperty("id").GetString()!;
        (await ada.Http.PostAsJsonAsync($"/api/v1/channels/{dmId}/messages", new { content = "before" })).StatusCode.ShouldBe(HttpStatusCode.Created);

        await RelateAsync(bob, ada, "block");
        await Problem.ExpectAsync(await OpenChannelAsync(ada, bob), 403, "forbidden");
        await Problem.ExpectAsync(await ada.Http.PostAsJsonAsync($"/api/v1/channels/{dmId}/messages", new { content = "are you there?" }), 403, "forbidden");
        await Problem.ExpectAsync(await bob.Http.PostAsJsonAsync($"/api/v1/channels/{dmId}/messages", new { content = "no" }), 403, "forbidden");
        (await bob.Http.GetFromJsonAsync<JsonElement>($"/api/v1/channels/{dmId}/messages")).GetArrayLength().ShouldBe(1);

        (await bob.Http.DeleteAsync($"/api/v1/users/@me/relationships/{ada.Id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await OpenChannelOkAsync(ada, bob)).GetProperty("id").GetString().ShouldBe(dmId);
        (await ada.Http.PostAsJsonAsync($"/api/v1/channels/{dmId}/messages", new { content = "again" })).StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Group_OwnerAddsAndRemoves_RecipientsGainAndLoseDeliveryAtOnce()
    {
        var owner = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var cat = await Server.RegisterAsync();
        var dan = await Server.RegisterAsync();
        foreach (var friend in new[] { bob, cat, dan })
        {
            await BefriendAsync(owner, friend);
        }

        await using var catClient = await GatewayClient.ConnectAsync(Server.BaseAddress, cat.AccessToken);
        await using var danClient = await GatewayClient.ConnectAsync(Server.BaseAddress, dan.AccessToken);

        var group = await OpenChannelOkAsync(owner, bob, cat);
        var groupId = group.GetProperty("id").GetString()!;
        group.GetProperty("type").GetString().ShouldBe("group");
        group.GetProperty("recipientIds").GetArrayLength().ShouldBe(3);
        await catClient.WaitForAsync("ChannelCreated", c => c.GetProperty("id").GetString() == groupId);
        (await OpenChannelOkAsync(owner, bob, cat)).GetProperty("id").GetString().ShouldNotBe(groupId, "a group is new each time");

        (await owner.Http.PostAsJsonAsync($"/api/v1/channels/{groupId}/messages", new { content = "welcome" })).StatusCode.ShouldBe(HttpStatusCode.Created);
        await catClient.WaitForAsync("MessageCreated", m => m.GetProperty("content").GetString() == "welcome");

        // Only the owner adds; the added member starts receiving at once.
        await Problem.ExpectAsync(await bob.Http.PutAsync($"/api/v1/channels/{groupId}/recipients/{dan.Id}", null), 403, "forbidden");
        var added = await owner.Http.PutAsync($"/api/v1/channels/{groupId}/recipients/{dan.Id}", null);
        added.StatusCode.ShouldBe(HttpStatusCode.OK, await added.Content.ReadAsStringAsync());
        await danClient.WaitForAsync("ChannelCreated", c => c.GetProperty("id").GetString() == groupId);
        await catClient.WaitForAsync("ChannelUpdated", c => c.GetProperty("id").GetString() == groupId && c.GetProperty("recipientIds").GetArrayLength() == 4);
        await danClient.Connection.InvokeAsync<JsonElement>("SendMessage", groupId, "thanks", null);
        await catClient.WaitForAsync("MessageCreated", m => m.GetProperty("content").GetString() == "thanks");

        // Only the owner removes others; the removed member stops receiving at once.
        await Problem.ExpectAsync(await bob.Http.DeleteAsync($"/api/v1/channels/{groupId}/recipients/{cat.Id}"), 403, "forbidden");
        (await owner.Http.DeleteAsync($"/api/v1/channels/{groupId}/recipients/{cat.Id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var deleted = await catClient.WaitForAsync("ChannelDeleted", c => c.GetProperty("id").GetString() == groupId);
        deleted.GetProperty("communityId").ValueKind.ShouldBe(JsonValueKind.Null);
        (await owner.Http.PostAsJsonAsync($"/api/v1/channels/{groupId}/messages", new { content = "after cat left" })).StatusCode.ShouldBe(HttpStatusCode.Created);
        await danClient.WaitForAsync("MessageCreated", m => m.GetProperty("content").GetString() == "after cat left");
        catClient.Payloads("MessageCreated").Select(m => m.GetProperty("content").GetString()).ShouldNotContain("after cat left");
        await Problem.ExpectAsync(await cat.Http.PostAsJsonAsync($"/api/v1/channels/{groupId}/messages", new { content = "let me back" }), 403, "missing_permission");

        // Anyone may leave.
        (await bob.Http.DeleteAsync($"/api/v1/channels/{groupId}/recipients/@me")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await bob.Http.GetFromJsonAsync<JsonElement>("/api/v1/users/@me/channels")).EnumerateArray()
            .Select(c => c.GetProperty("id").GetString()).ShouldNotContain(groupId);
    }

    /// <summary>
    /// A removal travels on the group's channel stream and the user's stream, a re-add on the user's stream only; a front
    /// door has no order between two streams, so a removal's channel-stream copy can be dispatched after the same user was
    /// added again (and an add after a later removal). Each carries the group's membership version, and an older one is
    /// ignored: here the real events, captured from the streams, are dispatched late on purpose.
    /// </summary>
    [Fact]
    public async Task Group_MembershipChangeDeliveredLate_DoesNotUndoANewerOne()
    {
        var owner = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var cat = await Server.RegisterAsync();
        await BefriendAsync(owner, bob);
        await BefriendAsync(owner, cat);
        await using var catClient = await GatewayClient.ConnectAsync(Server.BaseAddress, cat.AccessToken);
        var groupId = (await OpenChannelOkAsync(owner, bob, cat)).GetProperty("id").GetString()!;
        var group = long.Parse(groupId, System.Globalization.CultureInfo.InvariantCulture);
        await catClient.WaitForAsync("ChannelCreated", c => c.GetProperty("id").GetString() == groupId);
        int Announced(string name) => catClient.Payloads(name).Count(c => c.GetProperty("id").GetString() == groupId);

        // What the group's channel stream and cat's user stream carry, as published.
        var cluster = Server.Services.GetRequiredService<IClusterClient>();
        var provider = cluster.GetStreamProvider(ChaosProviders.Streams);
        var removals = new ConcurrentQueue<GatewayEvent>();
        var adds = new ConcurrentQueue<GatewayEvent>();
        // A mark of the test's own (front doors ignore marks that are not theirs) on each stream shows its subscription
        // is live before anything the test needs is published.
        var probe = $"test-{Guid.NewGuid():N}";
        var probed = new ConcurrentQueue<long>();
        void Probed(GatewayEvent evt)
        {
            if (evt.Payload is DeliveryMark mark && mark.FrontDoorId == probe)
            {
                probed.Enqueue(mark.Token);
            }
        }

        var channelStream = provider.GetStream<GatewayEvent>(StreamId.Create(ChaosProviders.ChannelNamespace, group));
        var userStream = provider.GetStream<GatewayEvent>(StreamId.Create(ChaosProviders.UserNamespace, long.Parse(cat.Id, System.Globalization.CultureInfo.InvariantCulture)));
        var onChannel = await channelStream.SubscribeAsync((evt, _) =>
        {
            Probed(evt);
            if (evt.Payload is RecipientRemoved)
            {
                removals.Enqueue(evt);
            }

            return Task.CompletedTask;
        });
        var onUser = await userStream.SubscribeAsync((evt, _) =>
        {
            Probed(evt);
            if (evt.Payload is PrivateChannelAdded)
            {
                adds.Enqueue(evt);
            }

            return Task.CompletedTask;
        });
        var dispatcher = Server.Services.GetRequiredService<GatewayEventDispatcher>();
        try
        {
            await channelStream.OnNextAsync(GatewayEvent.Control(new DeliveryMark(probe, 1)));
            await userStream.OnNextAsync(GatewayEvent.Control(new DeliveryMark(probe, 2)));
            await Eventually.ReturnsAsync(() => Task.FromResult(probed.Order().ToArray()), p => p.SequenceEqual([1L, 2L]), TimeSpan.FromSeconds(30), "the test's own marks on both streams");

            // Removed, then added again.
            (await owner.Http.DeleteAsync($"/api/v1/channels/{groupId}/recipients/{cat.Id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
            await catClient.WaitForAsync("ChannelDeleted", c => c.GetProperty("id").GetString() == groupId);
            GatewayEvent[] removal;
            try
            {
                removal = await Eventually.ReturnsAsync(() => Task.FromResult(removals.ToArray()), r => r.Length == 1, TimeSpan.FromSeconds(30), "the removal on the channel stream");
            }
            catch (TimeoutException missing)
            {
                // Seen once in a full run (stop 18): the stream copy never reached this subscription. Keep the server's
                // warnings with the failure.
                throw new TimeoutException($"{missing.Message}\n{fixture.Logs.Text}", missing);
            }

            (await owner.Http.PutAsync($"/api/v1/channels/{groupId}/recipients/{cat.Id}", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
            await Eventually.ReturnsAsync(() => Task.FromResult(Announced("ChannelCreated")), n => n == 2, TimeSpan.FromSeconds(30), "ChannelCreated after the re-add");

            // The removal's channel-stream copy arrives only now: cat keeps the group.
            await dispatcher.DispatchAsync(ChaosProviders.ChannelNamespace, group, removal[0]);
            (await owner.Http.PostAsJsonAsync($"/api/v1/channels/{groupId}/messages", new { content = "still here" })).StatusCode.ShouldBe(HttpStatusCode.Created);
            await catClient.WaitForAsync("MessageCreated", m => m.GetProperty("content").GetString() == "still here", TimeSpan.FromSeconds(30));
            Announced("ChannelDeleted").ShouldBe(1, "the late removal was ignored");

            // Removed again; the earlier re-add arrives only now: cat stays out.
            // (Subscribed after the group was created: the re-add is the one add captured.)
            var readd = await Eventually.ReturnsAsync(() => Task.FromResult(adds.ToArray()), a => a.Length == 1, TimeSpan.FromSeconds(30), "the re-add on the user stream");
            (await owner.Http.DeleteAsync($"/api/v1/channels/{groupId}/recipients/{cat.Id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
            await Eventually.ReturnsAsync(() => Task.FromResult(Announced("ChannelDeleted")), n => n == 2, TimeSpan.FromSeconds(30), "ChannelDeleted after the second removal");
            await dispatcher.DispatchAsync(ChaosProviders.UserNamespace, long.Parse(cat.Id, System.Globalization.CultureInfo.InvariantCulture), readd[0]);
            (await owner.Http.PostAsJsonAsync($"/api/v1/channels/{groupId}/messages", new { content = "cat is gone" })).StatusCode.ShouldBe(HttpStatusCode.Created);
            await using var ownerClient = await GatewayClient.ConnectAsync(Server.BaseAddress, owner.AccessToken);
            (await owner.Http.PostAsJsonAsync($"/api/v1/channels/{groupId}/messages", new { content = "witnessed" })).StatusCode.ShouldBe(HttpStatusCode.Created);
            await ownerClient.WaitForAsync("MessageCreated", m => m.GetProperty("content").GetString() == "witnessed", TimeSpan.FromSeconds(30));
            await catClient.WaitForAsync("MessageCreated", m => m.GetProperty("content").GetString() == "still here");
            catClient.Payloads("MessageCreated").Select(m => m.GetProperty("content").GetString()).ShouldNotContain("cat is gone");
            catClient.Payloads("MessageCreated").Select(m => m.GetProperty("content").GetString()).ShouldNotContain("witnessed");
            Announced("ChannelCreated").ShouldBe(2, "the late add was ignored");
        }
        finally
        {
            await onChannel.UnsubscribeAsync();
            await onUser.UnsubscribeAsync();
        }
    }

    [Fact]
    public async Task Group_Bounds_AndBlockedUsers_AreRefused()
    {
        var owner = await Server.RegisterAsync();
        var others = new List<TestUser>();
        for (var i = 0; i < 10; i++)
        {
            others.Add(await Server.RegisterAsync());
            await BefriendAsync(owner, others[^1]);
        }

        await Problem.ExpectAsync(await OpenChannelAsync(owner), 400, "validation_failed");
        await Problem.ExpectAsync(await OpenChannelAsync(owner, [.. others]), 400, "validation_failed");
        await Problem.ExpectAsync(await OpenChannelAsync(owner, owner), 400, "validation_failed");
        await Problem.ExpectAsync(await owner.Http.PostAsJsonAsync("/api/v1/users/@me/channels", new { recipientIds = new[] { "x" } }), 400, "validation_failed");
        await Problem.ExpectAsync(await owner.Http.PostAsJsonAsync("/api/v1/users/@me/channels", new { recipientIds = new[] { "123456789", "123456790" } }), 404, "not_found");

        var full = await OpenChannelOkAsync(owner, [.. others.Take(9)]);
        var fullId = full.GetProperty("id").GetString()!;
        await Problem.ExpectAsync(await owner.Http.PutAsync($"/api/v1/channels/{fullId}/recipients/{others[9].Id}", null), 409, "conflict");

        var blocker = others[9];
        await RelateAsync(blocker, owner, "block");
        await Problem.ExpectAsync(await OpenChannelAsync(owner, others[0], blocker), 403, "forbidden");
        var small = await OpenChannelOkAsync(owner, others[0], others[1]);
        await Problem.ExpectAsync(await owner.Http.PutAsync($"/api/v1/channels/{small.GetProperty("id").GetString()}/recipients/{blocker.Id}", null), 403, "forbidden");
    }

    [Fact]
    public async Task Group_OnlyFriendsOrCommunityMembers_CanBePutIntoIt()
    {
        var owner = await Server.RegisterAsync();
        var friend = await Server.RegisterAsync();
        var other = await Server.RegisterAsync();
        var stranger = await Server.RegisterAsync();
        await BefriendAsync(owner, friend);
        await BefriendAsync(owner, other);

        // A stranger answers like a user who blocked you: the same refusal, nothing learnt.
        var refused = await Problem.ExpectAsync(await OpenChannelAsync(owner, friend, stranger), 403, "forbidden");
        refused.Detail.ShouldBe("This user cannot be added to a group by you.");
        var group = (await OpenChannelOkAsync(owner, friend, other)).GetProperty("id").GetString()!;
        await Problem.ExpectAsync(await owner.Http.PutAsync($"/api/v1/channels/{group}/recipients/{stranger.Id}", null), 403, "forbidden");
        (await stranger.Http.GetFromJsonAsync<JsonElement>("/api/v1/users/@me/channels")).GetArrayLength().ShouldBe(0);

        // A pending friend request is not friendship.
        await RelateAsync(owner, stranger, "friend");
        await Problem.ExpectAsync(await owner.Http.PutAsync($"/api/v1/channels/{group}/recipients/{stranger.Id}", null), 403, "forbidden");

        // Sharing a community is enough.
        var community = await Gateway.GatewayTests.CreateCommunityAsync(owner);
        await Gateway.GatewayTests.JoinAsync(owner, stranger, community);
        (await owner.Http.PutAsync($"/api/v1/channels/{group}/recipients/{stranger.Id}", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await OpenChannelAsync(owner, friend, stranger)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Groups_PerUser_AreCapped_WhoeverCreatesThem()
    {
        var owner = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var cat = await Server.RegisterAsync();
        await BefriendAsync(owner, bob);
        await BefriendAsync(owner, cat);
        var groups = new List<string>();
        for (var i = 0; i < PrivateChannelRules.MaxGroupsPerUser; i++)
        {
            groups.Add((await OpenChannelOkAsync(owner, bob, cat)).GetProperty("id").GetString()!);
        }

        await Problem.ExpectAsync(await OpenChannelAsync(owner, bob, cat), 409, "conflict");

        // Someone else cannot put a full user into one more group either, by creating or by adding.
        var dan = await Server.RegisterAsync();
        var eve = await Server.RegisterAsync();
        await BefriendAsync(dan, bob);
        await BefriendAsync(dan, eve);
        (await Problem.ExpectAsync(await OpenChannelAsync(dan, bob, eve), 409, "conflict")).Detail.ShouldNotBeNull().ShouldContain("This user");
        var third = (await OpenChannelOkAsync(dan, eve, await FriendOfAsync(dan))).GetProperty("id").GetString()!;
        await Problem.ExpectAsync(await dan.Http.PutAsync($"/api/v1/channels/{third}/recipients/{bob.Id}", null), 409, "conflict");

        // Leaving one makes room; DMs never count.
        (await bob.Http.DeleteAsync($"/api/v1/channels/{groups[0]}/recipients/@me")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await OpenChannelAsync(bob, dan)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await dan.Http.PutAsync($"/api/v1/channels/{third}/recipients/{bob.Id}", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        await Problem.ExpectAsync(await dan.Http.PutAsync($"/api/v1/channels/{third}/recipients/{cat.Id}", null), 403, "forbidden");
    }

    [Fact]
    public async Task Groups_PerUser_CapIsExact_UnderConcurrentCreatesAndAddsAtTheBoundary()
    {
        var bob = await Server.RegisterAsync();
        var owner = await Server.RegisterAsync();
        var cat = await Server.RegisterAsync();
        await BefriendAsync(owner, bob);
        await BefriendAsync(owner, cat);
        for (var i = 0; i < PrivateChannelRules.MaxGroupsPerUser - 1; i++)
        {
            await OpenChannelOkAsync(owner, bob, cat);
        }

        // Bob is in 99 groups. Six others, each a friend of bob with a group of their own ready, race to put bob into
        // one more: three by creating a group with him, three by adding him to an existing one. Exactly one may win.
        var racers = new List<Func<Task<HttpResponseMessage>>>();
        for (var i = 0; i < 6; i++)
        {
            var racer = await Server.RegisterAsync();
            await BefriendAsync(racer, bob);
            var (f1, f2) = (await FriendOfAsync(racer), await FriendOfAsync(racer));
            if (i % 2 == 0)
            {
                racers.Add(() => OpenChannelAsync(racer, bob, f1));
            }
            else
            {
                var group = (await OpenChannelOkAsync(racer, f1, f2)).GetProperty("id").GetString()!;
                racers.Add(() => racer.Http.PutAsync($"/api/v1/channels/{group}/recipients/{bob.Id}", null));
            }
        }

        var answers = await Task.WhenAll(racers.Select(r => Task.Run(r)));
        answers.Count(a => a.StatusCode == HttpStatusCode.OK).ShouldBe(1, string.Join(", ", answers.Select(a => (int)a.StatusCode)));
        foreach (var refused in answers.Where(a => a.StatusCode != HttpStatusCode.OK))
        {
            await Problem.ExpectAsync(refused, 409, "conflict");
        }

        var mine = await bob.Http.GetFromJsonAsync<JsonElement>("/api/v1/users/@me/channels");
        mine.EnumerateArray().Count(c => c.GetProperty("type").GetString() == "group").ShouldBe(PrivateChannelRules.MaxGroupsPerUser);
    }

    private async Task<TestUser> FriendOfAsync(TestUser user)
    {
        var friend = await Server.RegisterAsync();
        await BefriendAsync(user, friend);
        return friend;
    }
}
