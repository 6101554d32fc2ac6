using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chaos.Tests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Chaos.Tests.Gateway;

/// <summary>The gateway over real SignalR connections on one front door backed by PostgreSQL.</summary>
[Collection(GatewayServer.Name)]
public sealed class GatewayTests(ApiFixture fixture)
{
    private ChaosServer Server => fixture.Server;

    [Fact]
    public async Task Ready_IsTheFirstEvent_AndCarriesCommunitiesChannelsAndReadStates()
    {
        var owner = await Server.RegisterAsync();
        var community = await CreateCommunityAsync(owner);
        var general = GeneralChannel(community);
        var sent = await SendAsync(owner, general, "hello");
        (await owner.Http.PutAsJsonAsync($"/api/v1/channels/{general}/read-state", new { lastReadMessageId = sent.GetProperty("id").GetString() })).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await SendAsync(owner, general, $"after the ack <@{owner.Id}>");

        await using var client = await GatewayClient.ConnectAsync(Server.BaseAddress, owner.AccessToken);
        client.Events[0].Name.ShouldBe("Ready");
        var ready = client.Events[0].Payload;
        ready.GetProperty("user").GetProperty("id").GetString().ShouldBe(owner.Id);
        var communities = ready.GetProperty("communities").EnumerateArray().ToList();
        communities.Single().GetProperty("id").GetString().ShouldBe(community.GetProperty("id").GetString());
        communities.Single().GetProperty("channels").GetArrayLength().ShouldBe(2);
        var readState = ready.GetProperty("readStates").EnumerateArray().Single();
        readState.GetProperty("channelId").GetString().ShouldBe(general);
        readState.GetProperty("unreadCount").GetInt32().ShouldBe(1);
        readState.GetProperty("mentionCount").GetInt32().ShouldBe(1);
        foreach (var field in new[] { "dmChannels", "relationships", "presences", "voiceStates" })
        {
            ready.GetProperty(field).ValueKind.ShouldBe(JsonValueKind.Array);
        }
    }

    [Fact]
    public async Task Messages_ReachEveryMemberOnce_InSeqOrder_IncludingTheSender_AndNotOutsiders()
    {
        var owner = await Server.RegisterAsync();
        var member = await Server.RegisterAsync();
        var outsider = await Server.RegisterAsync();
        var community = await CreateCommunityAsync(owner);
        await JoinAsync(owner, member, community);
        var general = GeneralChannel(community);

        await using var ownerClient = await GatewayClient.ConnectAsync(Server.BaseAddress, owner.AccessToken);
        await using var memberClient = await GatewayClient.ConnectAsync(Server.BaseAddress, member.AccessToken, messagePack: true);
        await using var outsiderClient = await GatewayClient.ConnectAsync(Server.BaseAddress, outsider.AccessToken);

        for (var i = 0; i < 30; i++)
        {
            var sender = i % 2 == 0 ? ownerClient : memberClient;
            await sender.Connection.InvokeAsync<JsonElement>("SendMessage", general, $"message {i}", $"nonce-{i}");
        }

        foreach (var client in new[] { ownerClient, memberClient })
        {
            var received = await Eventually.ReturnsAsync(
                () => Task.FromResult(client.Payloads("MessageCreated").ToList()), l => l.Count >= 30, TimeSpan.FromSeconds(20), "30 messages");
            received.Count.ShouldBe(30);
            received.Select(m => m.GetProperty("seq").GetInt64()).ShouldBe(Enumerable.Range(1, 30).Select(i => (long)i));
            received.Select(m => m.GetProperty("content").GetString()).ShouldBe(Enumerable.Range(0, 30).Select(i => $"message {i}"));
            received[0].GetProperty("author").GetProperty("id").ValueKind.ShouldBe(JsonValueKind.String);
        }

        outsiderClient.Payloads("MessageCreated").ShouldBeEmpty();
        await Problem.ExpectAsync(await outsider.Http.PostAsJsonAsync($"/api/v1/channels/{general}/messages", new { content = "let me in" }), 403, "not_a_member");
    }

    [Fact]
    public async Task EditsDeletesAndTyping_Propagate()
    {
        var owner = await Server.RegisterAsync();
        var member = await Server.RegisterAsync();
        var community = await CreateCommunityAsync(owner);
        await JoinAsync(owner, member, community);
        var general = GeneralChannel(community);
        await using var memberClient = await GatewayClient.ConnectAsync(Server.BaseAddress, member.AccessToken);

        var sent = await SendAsync(owner, general, "first draft");
        var messageId = sent.GetProperty("id").GetString()!;
        (await owner.Http.PatchAsJsonAsync($"/api/v1/channels/{general}/messages/{messageId}", new { content = "final" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        var updated = await memberClient.WaitForAsync("MessageUpdated", m => m.GetProperty("id").GetString() == messageId);
        updated.GetProperty("content").GetString().ShouldBe("final");
        updated.GetProperty("editedAt").ValueKind.ShouldBe(JsonValueKind.String);

        (await owner.Http.PostAsync($"/api/v1/channels/{general}/typing", null)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var typing = await memberClient.WaitForAsync("TypingStarted", t => t.GetProperty("userId").GetString() == owner.Id);
        typing.GetProperty("channelId").GetString().ShouldBe(general);

        (await owner.Http.DeleteAsync($"/api/v1/channels/{general}/messages/{messageId}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await memberClient.WaitForAsync("MessageDeleted", d => d.GetProperty("messageId").GetString() == messageId);
        await Problem.ExpectAsync(await owner.Http.GetAsync($"/api/v1/channels/{general}/messages/{messageId}"), 404, "not_found");
    }

    [Fact]
    public async Task KickedMember_StopsReceiving_AtOnce()
    {
        var owner = await Server.RegisterAsync();
        var member = await Server.RegisterAsync();
        var community = await CreateCommunityAsync(owner);
        await JoinAsync(owner, member, community);
        var general = GeneralChannel(community);
        await using var memberClient = await GatewayClient.ConnectAsync(Server.BaseAddress, member.AccessToken);
        await SendAsync(owner, general, "before");
        await memberClient.WaitForAsync("MessageCreated", m => m.GetProperty("content").GetString() == "before");

        (await owner.Http.DeleteAsync($"/api/v1/communities/{community.GetProperty("id").GetString()}/members/{member.Id}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var left = await memberClient.WaitForAsync("MemberLeft", m => m.GetProperty("userId").GetString() == member.Id);
        left.GetProperty("reason").GetString().ShouldBe("kicked");
        await SendAsync(owner, general, "after");
        // A later message from the same channel proves delivery continued for the others.
        await using var ownerClient = await GatewayClient.ConnectAsync(Server.BaseAddress, owner.AccessToken);
        await SendAsync(owner, general, "marker");
        await ownerClient.WaitForAsync("MessageCreated", m => m.GetProperty("content").GetString() == "marker");
        memberClient.Payloads("MessageCreated").Select(m => m.GetProperty("content").GetString()).ShouldNotContain("after");
        memberClient.Payloads("MessageCreated").Select(m => m.GetProperty("content").GetString()).ShouldNotContain("marker");
        await Problem.ExpectAsync(await member.Http.PostAsJsonAsync($"/api/v1/channels/{general}/messages", new { content = "still here?" }), 403, "not_a_member");
    }

    [Fact]
    public async Task BannedMember_StopsReceiving_AtOnce()
    {
        var owner = await Server.RegisterAsync();
        var member = await Server.RegisterAsync();
        var community = await CreateCommunityAsync(owner);
        await JoinAsync(owner, member, community);
        var general = GeneralChannel(community);
        await using var memberClient = await GatewayClient.ConnectAsync(Server.BaseAddress, member.AccessToken);
        await using var ownerClient = await GatewayClient.ConnectAsync(Server.BaseAddress, owner.AccessToken);
        await SendAsync(owner, general, "before the ban");
        await memberClient.WaitForAsync("MessageCreated", m => m.GetProperty("content").GetString() == "before the ban");

        (await owner.Http.PutAsJsonAsync($"/api/v1/communities/{community.GetProperty("id").GetString()}/bans/{member.Id}", new { reason = "spam" })).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await memberClient.WaitForAsync("MemberLeft", m => m.GetProperty("userId").GetString() == member.Id)).GetProperty("reason").GetString().ShouldBe("banned");
        await SendAsync(owner, general, "after the ban");
        await ownerClient.WaitForAsync("MessageCreated", m => m.GetProperty("content").GetString() == "after the ban");
        memberClient.Payloads("MessageCreated").Select(m => m.GetProperty("content").GetString()).ShouldBe(["before the ban"]);
    }

    [Fact]
    public async Task LosingViewChannel_StopsDelivery_AndRegainingItResumes()
    {
        var owner = await Server.RegisterAsync();
        var member = await Server.RegisterAsync();
        var community = await CreateCommunityAsync(owner);
        var communityId = community.GetProperty("id").GetString()!;
        await JoinAsync(owner, member, community);
        var general = GeneralChannel(community);
        await using var memberClient = await GatewayClient.ConnectAsync(Server.BaseAddress, member.AccessToken);

        var deny = await owner.Http.PutAsJsonAsync($"/api/v1/channels/{general}/overwrites/{member.Id}", new { type = "member", allow = "0", deny = "2" });
        deny.StatusCode.ShouldBe(HttpStatusCode.OK, await deny.Content.ReadAsStringAsync());
        await SendAsync(owner, general, "hidden");
        await Problem.ExpectAsync(await member.Http.GetAsync($"/api/v1/channels/{general}/messages"), 403, "missing_permission");

        (await owner.Http.DeleteAsync($"/api/v1/channels/{general}/overwrites/{member.Id}")).StatusCode.ShouldBe(HttpStatusCode.OK);

        // ChannelUpdated reaches the member only after its front door re-evaluated access and resubscribed; messages
        // from the moment access returned but before that would be filled from history by seq (docs/api.md#stateful-reconnect-and-gaps).
        await memberClient.WaitForAsync("ChannelUpdated", c => c.GetProperty("id").GetString() == general && c.GetProperty("overwrites").GetArrayLength() == 0);
        await SendAsync(owner, general, "visible again");
        await memberClient.WaitForAsync("MessageCreated", m => m.GetProperty("content").GetString() == "visible again");
        memberClient.Payloads("MessageCreated").Select(m => m.GetProperty("content").GetString()).ShouldNotContain("hidden");
        memberClient.Payloads("ChannelUpdated").ShouldNotBeEmpty();
        (await owner.Http.GetFromJsonAsync<JsonElement>($"/api/v1/communities/{communityId}/audit-log")).EnumerateArray()
            .Select(e => e.GetProperty("action").GetString()).ShouldContain("overwrite.delete");
    }

    [Fact]
    public async Task JoiningACommunity_StartsDelivery_WithoutReconnecting()
    {
        var owner = await Server.RegisterAsync();
        var newcomer = await Server.RegisterAsync();
        var community = await CreateCommunityAsync(owner);
        var general = GeneralChannel(community);
        await using var newcomerClient = await GatewayClient.ConnectAsync(Server.BaseAddress, newcomer.AccessToken);
        await JoinAsync(owner, newcomer, community);
        await SendAsync(owner, general, "welcome");
        await newcomerClient.WaitForAsync("CommunityJoined", c => c.GetProperty("id").GetString() == community.GetProperty("id").GetString());
        await newcomerClient.WaitForAsync("MessageCreated", m => m.GetProperty("content").GetString() == "welcome");
    }

    [Fact]
    public async Task SendMessage_RepeatedNonce_ReturnsTheOriginal()
    {
        var owner = await Server.RegisterAsync();
        var community = await CreateCommunityAsync(owner);
        var general = GeneralChannel(community);
        await using var client = await GatewayClient.ConnectAsync(Server.BaseAddress, owner.AccessToken);
        var first = await client.Connection.InvokeAsync<JsonElement>("SendMessage", general, "once", "same-nonce");
        var second = await client.Connection.InvokeAsync<JsonElement>("SendMessage", general, "twice?", "same-nonce");
        second.GetProperty("id").GetString().ShouldBe(first.GetProperty("id").GetString());
        second.GetProperty("content").GetString().ShouldBe("once");
        var rest = await owner.Http.PostAsJsonAsync($"/api/v1/channels/{general}/messages", new { content = "thrice?", nonce = "same-nonce" });
        (await rest.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString().ShouldBe(first.GetProperty("id").GetString());
        var history = await owner.Http.GetFromJsonAsync<JsonElement>($"/api/v1/channels/{general}/messages");
        history.GetArrayLength().ShouldBe(1);
    }

    [Fact]
    public async Task Hub_RefusesUnauthenticatedConnections()
    {
        var connection = new HubConnectionBuilder().WithUrl(new Uri(Server.BaseAddress, "/gateway")).Build();
        var error = await Should.ThrowAsync<HttpRequestException>(() => connection.StartAsync());
        error.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var forged = new HubConnectionBuilder().WithUrl(new Uri(Server.BaseAddress, "/gateway"), o => o.AccessTokenProvider = () => Task.FromResult<string?>("forged.token.value")).Build();
        (await Should.ThrowAsync<HttpRequestException>(() => forged.StartAsync())).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Hub_HostileCalls_FailWithCodes_AndTheConnectionServesOn()
    {
        var owner = await Server.RegisterAsync();
        var other = await Server.RegisterAsync();
        var community = await CreateCommunityAsync(owner);
        var general = GeneralChannel(community);
        var otherCommunity = await CreateCommunityAsync(other);
        var othersChannel = GeneralChannel(otherCommunity);
        await using var client = await GatewayClient.ConnectAsync(Server.BaseAddress, owner.AccessToken);

        async Task ExpectAsync(string code, Func<Task> call) =>
            (await Should.ThrowAsync<HubException>(call)).Message.ShouldContain(code + ":");

        await ExpectAsync("validation_failed", () => client.Connection.InvokeAsync<JsonElement>("SendMessage", general, new string('x', 4001), null));
        await ExpectAsync("validation_failed", () => client.Connection.InvokeAsync<JsonElement>("SendMessage", general, "   ", null));
        await ExpectAsync("validation_failed", () => client.Connection.InvokeAsync<JsonElement>("SendMessage", general, "bell \u0007 character", null));
        await ExpectAsync("validation_failed", () => client.Connection.InvokeAsync<JsonElement>("SendMessage", general, "ok", new string('n', 65)));
        await ExpectAsync("validation_failed", () => client.Connection.InvokeAsync<JsonElement>("SendMessage", "not-an-id", "ok", null));
        await ExpectAsync("not_a_member", () => client.Connection.InvokeAsync<JsonElement>("SendMessage", othersChannel, "intrusion", null));
        await ExpectAsync("not_found", () => client.Connection.InvokeAsync<JsonElement>("SendMessage", "123456789", "nowhere", null));
        await Should.ThrowAsync<Exception>(() => client.Connection.InvokeAsync<JsonElement>("SendMessage", 42, true, 7));
        await Should.ThrowAsync<Exception>(() => client.Connection.InvokeAsync<JsonElement>("NoSuchMethod", general));

        // Still connected and serving.
        var ok = await client.Connection.InvokeAsync<JsonElement>("SendMessage", general, "still fine", null);
        ok.GetProperty("seq").GetInt64().ShouldBe(1);
        client.Connection.State.ShouldBe(HubConnectionState.Connected);
    }

    [Fact]
    public async Task OversizedHubMessage_ClosesOnlyThatConnection()
    {
        var owner = await Server.RegisterAsync();
        var member = await Server.RegisterAsync();
        var community = await CreateCommunityAsync(owner);
        await JoinAsync(owner, member, community);
        var general = GeneralChannel(community);
        await using var flooder = await GatewayClient.ConnectAsync(Server.BaseAddress, member.AccessToken);
        await using var bystander = await GatewayClient.ConnectAsync(Server.BaseAddress, owner.AccessToken);
        var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        flooder.Connection.Closed += error => { closed.TrySetResult(error); return Task.CompletedTask; };

        // 200 KB in one hub message: over the gateway's limit, so the server drops the connection instead of buffering it.
        _ = flooder.Connection.InvokeAsync<JsonElement>("SendMessage", general, new string('x', 200_000), null);
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(20));
        flooder.Connection.State.ShouldBe(HubConnectionState.Disconnected);

        var after = await bystander.Connection.InvokeAsync<JsonElement>("SendMessage", general, "unaffected", null);
        after.GetProperty("content").GetString().ShouldBe("unaffected");
        (await owner.Http.GetFromJsonAsync<JsonElement>($"/api/v1/channels/{general}/messages")).EnumerateArray()
            .Select(m => m.GetProperty("content").GetString()).ShouldBe(["unaffected"]);
    }

    [Fact]
    public async Task Rest_HostileMessageInputs_AnswerProblems()
    {
        var owner = await Server.RegisterAsync();
        var other = await Server.RegisterAsync();
        var community = await CreateCommunityAsync(owner);
        var general = GeneralChannel(community);
        var othersGeneral = GeneralChannel(await CreateCommunityAsync(other));
        var foreign = await SendAsync(other, othersGeneral, "foreign");
        var foreignId = foreign.GetProperty("id").GetString();

        await Problem.ExpectAsync(await owner.Http.PostAsJsonAsync($"/api/v1/channels/{general}/messages", new { content = new string('x', 4001) }), 400, "validation_failed");
        await Problem.ExpectAsync(await owner.Http.PostAsJsonAsync($"/api/v1/channels/{general}/messages", new { content = "\u0000" }), 400, "validation_failed");
        await Problem.ExpectAsync(await owner.Http.PostAsJsonAsync($"/api/v1/channels/{general}/messages", new { content = "reply", replyToId = foreignId }), 400, "validation_failed");
        await Problem.ExpectAsync(await owner.Http.GetAsync($"/api/v1/channels/{general}/messages/{foreignId}"), 404, "not_found");
        await Problem.ExpectAsync(await owner.Http.PatchAsJsonAsync($"/api/v1/channels/{general}/messages/{foreignId}", new { content = "hijack" }), 404, "not_found");
        await Problem.ExpectAsync(await owner.Http.DeleteAsync($"/api/v1/channels/{general}/messages/{foreignId}"), 404, "not_found");
        await Problem.ExpectAsync(await owner.Http.GetAsync($"/api/v1/channels/{general}/messages?limit=101"), 400, "validation_failed");
        await Problem.ExpectAsync(await owner.Http.GetAsync($"/api/v1/channels/{general}/messages?before=1&after=2"), 400, "validation_failed");
        await Problem.ExpectAsync(await owner.Http.PostAsJsonAsync($"/api/v1/channels/{general}/messages", new { content = "x", nonce = new string('n', 65) }), 400, "validation_failed");
        var member = await Server.RegisterAsync();
        await JoinAsync(owner, member, community);
        var mine = await SendAsync(owner, general, "owner's");
        await Problem.ExpectAsync(await member.Http.PatchAsJsonAsync($"/api/v1/channels/{general}/messages/{mine.GetProperty("id").GetString()}", new { content = "not yours" }), 403, "forbidden");
        var refused = await member.Http.DeleteAsync($"/api/v1/channels/{general}/messages/{mine.GetProperty("id").GetString()}");
        (await Problem.ExpectAsync(refused, 403, "missing_permission")).Body.GetProperty("permission").GetString().ShouldBe("ManageMessages");
        await Problem.ExpectAsync(await owner.Http.GetAsync($"/api/v1/channels/{othersGeneral}/messages/{foreignId}"), 403, "not_a_member");
    }

    internal static async Task<JsonElement> CreateCommunityAsync(TestUser owner)
    {
        var response = await owner.Http.PostAsJsonAsync("/api/v1/communities", new { name = "Gateway test" });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    internal static string GeneralChannel(JsonElement community) =>
        community.GetProperty("channels").EnumerateArray().First(c => c.GetProperty("type").GetString() == "text").GetProperty("id").GetString()!;

    internal static async Task JoinAsync(TestUser owner, TestUser member, JsonElement community)
    {
        var invite = await owner.Http.PostAsJsonAsync($"/api/v1/communities/{community.GetProperty("id").GetString()}/invites", new { maxUses = 0 });
        var code = (await invite.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString();
        var join = await member.Http.PostAsync($"/api/v1/invites/{code}", null);
        join.StatusCode.ShouldBe(HttpStatusCode.OK, await join.Content.ReadAsStringAsync());
    }

    internal static async Task<JsonElement> SendAsync(TestUser user, string channelId, string content)
    {
        var response = await user.Http.PostAsJsonAsync($"/api/v1/channels/{channelId}/messages", new { content });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
