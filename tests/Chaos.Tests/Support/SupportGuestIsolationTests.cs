using System.Net.Http.Json;
using System.Text.Json;
using Chaos.Tests.Gateway;
using Chaos.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Chaos.Tests.Support;

/// <summary>
/// A guest token opens one conversation and nothing else: every authenticated route of the front door refuses it, other
/// conversations refuse it, and its gateway connection hears its own conversation's events only and may call nothing.
/// </summary>
[Collection(SupportCollection.Name)]
public sealed class SupportGuestIsolationTests(SupportFixture fixture)
{
    private ChaosServer Server => fixture.Server;

    [Fact]
    public async Task GuestToken_IsRefusedByEveryAuthenticatedRoute_WithAStableCode()
    {
        var (_, communityId) = await SupportKit.CreateDeskAsync(Server);
        var mine = await SupportKit.StartAsync(Server, communityId, "Mallory", "let me look around");
        var other = await SupportKit.StartAsync(Server, communityId, "Alice", "private matter");

        var endpoints = Server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null && e.Metadata.GetOrderedMetadata<IAuthorizeData>().Count > 0)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (Method: m, Pattern: e.RoutePattern.RawText ?? string.Empty)))
            .Where(e => !e.Pattern.StartsWith("/gateway", StringComparison.Ordinal))
            .Distinct()
            .ToList();
        endpoints.Count.ShouldBeGreaterThan(60, "the front door's authenticated routes were found");
        var failures = new List<string>();
        foreach (var (method, pattern) in endpoints)
        {
            // Every id is a real one: the community, and for conversation routes the other guest's conversation.
            var isConversationRoute = pattern.Contains("/support/conversations/", StringComparison.Ordinal);
            var path = System.Text.RegularExpressions.Regex.Replace(
                pattern, @"\{\*?(\w+)(:[^}]*)?\}", m => isConversationRoute && m.Groups[1].Value == "id" ? other.ConversationId : m.Groups[1].Value.StartsWith("emoji", StringComparison.Ordinal) ? "%F0%9F%91%8D" : communityId);
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            // A body each route would accept, so what answers is the token check, not the body's (routes that take
            // multipart are matched by content type before authorization).
            if (path.EndsWith("/attachments", StringComparison.Ordinal))
            {
                request.Content = new MultipartFormDataContent { { new ByteArrayContent([1, 2, 3]), "files", "a.bin" } };
            }
            else if (method is "POST" or "PUT" or "PATCH")
            {
                request.Content = !isConversationRoute ? JsonContent.Create(new { content = "hi", name = "x" })
                    : path.EndsWith("/messages", StringComparison.Ordinal) ? JsonContent.Create(new { content = "hi" })
                    : path.EndsWith("/rating", StringComparison.Ordinal) ? JsonContent.Create(new { score = 1 })
                    : path.EndsWith("/assign", StringComparison.Ordinal) ? JsonContent.Create(new { })
                    : null;
            }

            using var response = await mine.Http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            var status = (int)response.StatusCode;
            var expected = isConversationRoute ? (403, "forbidden") : (401, "unauthorized");
            string? code = null;
            try
            {
                code = JsonDocument.Parse(text).RootElement.GetProperty("code").GetString();
            }
            catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                // Reported below.
            }

            if ((status, code) != expected)
            {
                failures.Add($"{method} {path}: {status} {code} (expected {expected})");
            }
        }

        failures.ShouldBeEmpty();

        // Its own conversation answers; a forged or altered token answers nothing.
        (await SupportKit.GetAsync(mine.Http, $"/api/v1/support/conversations/{mine.ConversationId}")).Id().ShouldBe(mine.ConversationId);
        using var forged = Server.CreateClient(mine.Token[..^2] + (mine.Token[^2..] == "AA" ? "BB" : "AA"));
        await Problem.ExpectAsync(await forged.GetAsync($"/api/v1/support/conversations/{mine.ConversationId}"), 401, "unauthorized");
    }

    /// <summary>
    /// Support routes and the gateway name both token schemes; each scheme validates only tokens of its own audience, so a
    /// user's token never fails the guest scheme (a thrown audience exception per connection in a reconnect storm, before
    /// docs/architecture.md#token-schemes) and a guest's never fails the user scheme. Each still refuses a forged token
    /// of its own kind, and a user's token never counts as a guest.
    /// </summary>
    [Fact]
    public async Task UserAndGuestTokens_MeetOnlyTheirOwnScheme_NeitherFailsTheOther()
    {
        var (owner, communityId) = await SupportKit.CreateDeskAsync(Server);
        var guest = await SupportKit.StartAsync(Server, communityId, "Gina", "hello");
        var conversation = $"/api/v1/support/conversations/{guest.ConversationId}";
        using var outcomes = new AuthenticationOutcomes(Server.Services);

        // Users: a small reconnect storm on the gateway, and a support route as the desk's owner.
        for (var i = 0; i < 10; i++)
        {
            await using var gateway = await GatewayClient.ConnectAsync(Server.BaseAddress, owner.AccessToken);
        }

        (await SupportKit.GetAsync(owner.Http, conversation)).Id().ShouldBe(guest.ConversationId);
        var users = outcomes.Describe();
        outcomes.Count("SupportGuest", "failure").ShouldBe(0, users);
        outcomes.Count("SupportGuest", "success").ShouldBe(0, users);
        outcomes.Count("Bearer", "failure").ShouldBe(0, users);
        outcomes.Count("Bearer", "success").ShouldBeGreaterThanOrEqualTo(11, users);
        outcomes.Reset();

        // The guest: the gateway and its conversation; a user route refuses it without the user scheme failing.
        await using (await GatewayClient.ConnectAsync(Server.BaseAddress, guest.Token, awaitReady: false))
        {
        }

        (await SupportKit.GetAsync(guest.Http, conversation)).Id().ShouldBe(guest.ConversationId);
        (await Problem.ExpectAsync(await guest.Http.GetAsync("/api/v1/users/@me"), 401, "unauthorized")).Body.GetProperty("detail").GetString()
            .ShouldBe("The access token is not valid or has expired.");
        var guests = outcomes.Describe();
        outcomes.Count("Bearer", "failure").ShouldBe(0, guests);
        outcomes.Count("Bearer", "success").ShouldBe(0, guests);
        outcomes.Count("SupportGuest", "failure").ShouldBe(0, guests);
        outcomes.Count("SupportGuest", "success").ShouldBeGreaterThanOrEqualTo(2, guests);
        outcomes.Reset();

        // Each scheme still validates its own kind in full.
        static string Forge(string token) => token[..^2] + (token[^2..] == "AA" ? "BB" : "AA");
        using var forgedGuest = Server.CreateClient(Forge(guest.Token));
        await Problem.ExpectAsync(await forgedGuest.GetAsync(conversation), 401, "unauthorized");
        outcomes.Count("SupportGuest", "failure").ShouldBeGreaterThan(0, outcomes.Describe());
        outcomes.Count("SupportGuest", "success").ShouldBe(0, outcomes.Describe());
        using var forgedUser = Server.CreateClient(Forge(owner.AccessToken));
        await Problem.ExpectAsync(await forgedUser.GetAsync("/api/v1/users/@me"), 401, "unauthorized");
        outcomes.Count("Bearer", "failure").ShouldBeGreaterThan(0, outcomes.Describe());

        // A user's token is never a guest's: an outsider is refused the conversation as a non-member.
        var outsider = await Server.RegisterAsync();
        await Problem.ExpectAsync(await outsider.Http.GetAsync(conversation), 403, "not_a_member");
    }

    [Fact]
    public async Task GuestGateway_HearsOnlyItsOwnConversation_AndMayCallNoHubMethod()
    {
        var (owner, communityId) = await SupportKit.CreateDeskAsync(Server);
        var agents = await SupportKit.AddAgentsAsync(Server, owner, communityId, 1);
        var agent = agents[0];
        await SupportKit.SetAgentAsync(agent, communityId, "available", 5);
        var mine = await SupportKit.StartAsync(Server, communityId, "Mallory", "hello");
        var other = await SupportKit.StartAsync(Server, communityId, "Alice", "secret question");

        await using var guest = await GatewayClient.ConnectAsync(Server.BaseAddress, mine.Token, awaitReady: false);
        var first = await guest.WaitForAsync("SupportConversationUpdated", c => c.Id() == mine.ConversationId);
        first.Status().ShouldBe("assigned");
        await using var agentGateway = await GatewayClient.ConnectAsync(Server.BaseAddress, agent.AccessToken);
        await agentGateway.Connection.InvokeAsync("WatchSupportDesk", communityId);
        await using var ownerGateway = await GatewayClient.ConnectAsync(Server.BaseAddress, owner.AccessToken);

        // Events the guest must never hear: another conversation's message, a community channel's message.
        await SupportKit.PostAsync(other.Http, $"/api/v1/support/conversations/{other.ConversationId}/messages", new { content = "my card number" });
        var community = await SupportKit.GetAsync(owner.Http, $"/api/v1/communities/{communityId}");
        await GatewayTests.SendAsync(owner, GatewayTests.GeneralChannel(community), "members only");
        await agentGateway.WaitForAsync("MessageCreated", m => m.GetProperty("content").GetString() == "my card number", TimeSpan.FromSeconds(30));
        await SupportKit.PostAsync(agent.Http, $"/api/v1/support/conversations/{other.ConversationId}/close");
        await agentGateway.WaitForAsync("SupportConversationUpdated", c => c.Id() == other.ConversationId && c.Status() == "closed", TimeSpan.FromSeconds(30));
        await ownerGateway.WaitForAsync("MessageCreated", m => m.GetProperty("content").GetString() == "members only", TimeSpan.FromSeconds(30));

        // Its own conversation's events arrive (the agent's reply), and nothing else has.
        await SupportKit.PostAsync(agent.Http, $"/api/v1/support/conversations/{mine.ConversationId}/messages", new { content = "how can I help?" });
        await guest.WaitForAsync("MessageCreated", m => m.GetProperty("content").GetString() == "how can I help?", TimeSpan.FromSeconds(30));
        guest.Events.Select(e => e.Name).ShouldNotContain("Ready");
        guest.Payloads("MessageCreated").Select(m => m.GetProperty("channelId").GetString()).ShouldAllBe(id => id == mine.ConversationId);
        guest.Payloads("SupportConversationUpdated").Select(c => c.Id()).ShouldAllBe(id => id == mine.ConversationId);
        guest.Events.Select(e => e.Name).Distinct().Order().ShouldBe(["MessageCreated", "SupportConversationUpdated"]);

        // Hub methods are refused, whatever they are.
        var send = await Should.ThrowAsync<HubException>(() => guest.Connection.InvokeAsync<JsonElement>("SendMessage", mine.ConversationId, "via hub", null));
        send.Message.ShouldContain("forbidden");
        var watch = await Should.ThrowAsync<HubException>(() => guest.Connection.InvokeAsync("WatchSupportDesk", communityId));
        watch.Message.ShouldContain("forbidden");

        // Watching needs HandleSupport in an existing community.
        var refused = await Should.ThrowAsync<HubException>(() => ownerGateway.Connection.InvokeAsync("WatchSupportDesk", "123"));
        refused.Message.ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task GuestToken_OfOneConversation_CannotReadOrChangeAnother_AndNonAgentsAreRefused()
    {
        var (owner, communityId) = await SupportKit.CreateDeskAsync(Server);
        var mine = await SupportKit.StartAsync(Server, communityId, "Mallory", "hello");
        var other = await SupportKit.StartAsync(Server, communityId, "Alice", "secret");
        var theirs = $"/api/v1/support/conversations/{other.ConversationId}";
        await Problem.ExpectAsync(await mine.Http.GetAsync(theirs), 403, "forbidden");
        await Problem.ExpectAsync(await mine.Http.GetAsync(theirs + "/messages"), 403, "forbidden");
        await Problem.ExpectAsync(await mine.Http.GetAsync(theirs + "/transcript"), 403, "forbidden");
        await Problem.ExpectAsync(await mine.Http.PostAsJsonAsync(theirs + "/messages", new { content = "hi" }), 403, "forbidden");
        await Problem.ExpectAsync(await mine.Http.PostAsync(theirs + "/close", null), 403, "forbidden");
        await Problem.ExpectAsync(await mine.Http.PostAsJsonAsync(theirs + "/rating", new { score = 1 }), 403, "forbidden");
        await Problem.ExpectAsync(await mine.Http.PostAsJsonAsync($"/api/v1/support/conversations/{mine.ConversationId}/assign", new { }), 403, "forbidden");
        await Problem.ExpectAsync(await mine.Http.GetAsync($"/api/v1/communities/{communityId}/support/stats"), 401, "unauthorized");
        await Problem.ExpectAsync(await mine.Http.GetAsync($"/api/v1/users/@me"), 401, "unauthorized");

        // A signed-in member without HandleSupport is not an agent; an outsider is not even a member.
        var member = await Server.RegisterAsync();
        await GatewayTests.JoinAsync(owner, member, await SupportKit.GetAsync(owner.Http, $"/api/v1/communities/{communityId}"));
        (await Problem.ExpectAsync(await member.Http.GetAsync(theirs), 403, "missing_permission")).Body.GetProperty("permission").GetString().ShouldBe("HandleSupport");
        await Problem.ExpectAsync(await member.Http.GetAsync($"/api/v1/communities/{communityId}/support/conversations"), 403, "missing_permission");
        await Problem.ExpectAsync(await member.Http.PutAsJsonAsync($"/api/v1/communities/{communityId}/support/agents/@me", new { status = "available", maxConcurrent = 2 }), 403, "missing_permission");
        var outsider = await Server.RegisterAsync();
        await Problem.ExpectAsync(await outsider.Http.GetAsync(theirs + "/transcript"), 403, "not_a_member");

        // The guest's own transcript is plain text with its messages.
        var transcript = await mine.Http.GetAsync($"/api/v1/support/conversations/{mine.ConversationId}/transcript");
        transcript.Content.Headers.ContentType!.MediaType.ShouldBe("text/plain");
        (await transcript.Content.ReadAsStringAsync()).ShouldContain("Mallory (guest): hello");
    }

    [Fact]
    public async Task AgentWhoLosesHandleSupport_StopsHearingTheDesk_AndCanWatchAgainWhenGivenItBack()
    {
        var (owner, communityId) = await SupportKit.CreateDeskAsync(Server);
        var agent = (await SupportKit.AddAgentsAsync(Server, owner, communityId, 1))[0];
        var roleId = (await SupportKit.GetAsync(owner.Http, $"/api/v1/communities/{communityId}")).GetProperty("roles").EnumerateArray()
            .Single(r => r.GetProperty("name").GetString() == "agents").GetProperty("id").GetString();
        await using var agentGateway = await GatewayClient.ConnectAsync(Server.BaseAddress, agent.AccessToken);
        await agentGateway.Connection.InvokeAsync("WatchSupportDesk", communityId);
        await using var ownerGateway = await GatewayClient.ConnectAsync(Server.BaseAddress, owner.AccessToken);
        await ownerGateway.Connection.InvokeAsync("WatchSupportDesk", communityId);
        var first = await SupportKit.StartAsync(Server, communityId, "Alice", "first");
        await agentGateway.WaitForAsync("SupportConversationUpdated", c => c.Id() == first.ConversationId, TimeSpan.FromSeconds(30));

        // The role is taken away: the watch ends with the re-evaluation of the agent's access, not at the next reconnect.
        (await owner.Http.DeleteAsync($"/api/v1/communities/{communityId}/members/{agent.Id}/roles/{roleId}")).IsSuccessStatusCode.ShouldBeTrue();
        var registry = Server.Services.GetRequiredService<Chaos.Api.Gateway.GatewayConnectionRegistry>();
        var desk = (Chaos.Hosting.ChaosProviders.SupportDeskNamespace, long.Parse(communityId, System.Globalization.CultureInfo.InvariantCulture));
        await Eventually.ReturnsAsync(
            () => Task.FromResult(registry.OfUser(long.Parse(agent.Id, System.Globalization.CultureInfo.InvariantCulture)).Count(c => c.ExtraStreams.Contains(desk))),
            n => n == 0,
            TimeSpan.FromSeconds(30),
            "the agent's desk watch to end");

        var second = await SupportKit.StartAsync(Server, communityId, "Bob", "second");
        await SupportKit.PostAsync(second.Http, $"/api/v1/support/conversations/{second.ConversationId}/messages", new { content = "is anyone there?" });
        await ownerGateway.WaitForAsync("MessageCreated", m => m.GetProperty("content").GetString() == "is anyone there?", TimeSpan.FromSeconds(30));
        agentGateway.Payloads("SupportConversationUpdated").Select(c => c.Id()).ShouldNotContain(second.ConversationId);
        agentGateway.Payloads("MessageCreated").Select(m => m.GetProperty("channelId").GetString()).ShouldNotContain(second.ConversationId);
        (await Should.ThrowAsync<HubException>(() => agentGateway.Connection.InvokeAsync("WatchSupportDesk", communityId))).Message.ShouldContain("HandleSupport");

        // Given back, the same connection may watch again and hears the desk.
        (await owner.Http.PutAsync($"/api/v1/communities/{communityId}/members/{agent.Id}/roles/{roleId}", null)).IsSuccessStatusCode.ShouldBeTrue();
        await agentGateway.Connection.InvokeAsync("WatchSupportDesk", communityId);
        var third = await SupportKit.StartAsync(Server, communityId, "Carol", "third");
        await agentGateway.WaitForAsync("SupportConversationUpdated", c => c.Id() == third.ConversationId, TimeSpan.FromSeconds(30));
    }
}
