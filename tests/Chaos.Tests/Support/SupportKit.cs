using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chaos.Tests.Gateway;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Support;

/// <summary>What the support desk's REST tests need: a desk, agents with HandleSupport, guests.</summary>
internal static class SupportKit
{
    /// <summary>HandleSupport, bit 22 (docs/api.md#permissions), as the wire's decimal string.</summary>
    public const string HandleSupport = "4194304";

    public static async Task<(TestUser Owner, string CommunityId)> CreateDeskAsync(ChaosServer server)
    {
        var owner = await server.RegisterAsync();
        var community = await GatewayTests.CreateCommunityAsync(owner);
        var id = community.GetProperty("id").GetString()!;
        var patch = await owner.Http.PatchAsJsonAsync($"/api/v1/communities/{id}", new { supportDesk = new { enabled = true, greeting = "Hi! How can we help?", offlineMessage = "We are away." } });
        patch.StatusCode.ShouldBe(HttpStatusCode.OK, await patch.Content.ReadAsStringAsync());
        return (owner, id);
    }

    /// <summary>Registers <paramref name="count"/> members with a role granting HandleSupport.</summary>
    public static async Task<IReadOnlyList<TestUser>> AddAgentsAsync(ChaosServer server, TestUser owner, string communityId, int count)
    {
        var role = await owner.Http.PostAsJsonAsync($"/api/v1/communities/{communityId}/roles", new { name = "agents", permissions = HandleSupport });
        role.StatusCode.ShouldBe(HttpStatusCode.Created, await role.Content.ReadAsStringAsync());
        var roleId = (await role.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        var invite = await owner.Http.PostAsJsonAsync($"/api/v1/communities/{communityId}/invites", new { maxUses = 0 });
        var code = (await invite.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString();
        var agents = new List<TestUser>();
        for (var i = 0; i < count; i++)
        {
            var agent = await server.RegisterAsync();
            (await agent.Http.PostAsync($"/api/v1/invites/{code}", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
            var grant = await owner.Http.PutAsync($"/api/v1/communities/{communityId}/members/{agent.Id}/roles/{roleId}", null);
            grant.IsSuccessStatusCode.ShouldBeTrue(await grant.Content.ReadAsStringAsync());
            agents.Add(agent);
        }

        return agents;
    }

    public static async Task<JsonElement> SetAgentAsync(TestUser agent, string communityId, string status, int maxConcurrent, string? email = null)
    {
        var response = await agent.Http.PutAsJsonAsync($"/api/v1/communities/{communityId}/support/agents/@me", new { status, maxConcurrent, email });
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Starts a conversation as a guest; returns the conversation and a client carrying its guest token.</summary>
    public static async Task<Guest> StartAsync(ChaosServer server, string communityId, string name, string message, string? email = null)
    {
        using var anonymous = server.CreateClient();
        var response = await anonymous.PostAsJsonAsync($"/api/v1/support/{communityId}/conversations", new { name, email, message });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var token = body.GetProperty("guestToken").GetString()!;
        return new Guest(body.GetProperty("conversation"), token, server.CreateClient(token));
    }

    public static async Task<JsonElement> GetAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static async Task<JsonElement> PostAsync(HttpClient client, string path, object? body = null)
    {
        var response = body is null ? await client.PostAsync(path, null) : await client.PostAsJsonAsync(path, body);
        response.IsSuccessStatusCode.ShouldBeTrue($"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public static string Id(this JsonElement element) => element.GetProperty("id").GetString()!;

    public static string Status(this JsonElement conversation) => conversation.GetProperty("status").GetString()!;

    public static int? Position(this JsonElement conversation) =>
        conversation.TryGetProperty("queuePosition", out var p) && p.ValueKind == JsonValueKind.Number ? p.GetInt32() : null;

    public static string? AgentId(this JsonElement conversation) =>
        conversation.TryGetProperty("agentId", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
}
