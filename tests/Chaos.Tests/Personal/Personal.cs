using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Personal;

/// <summary>Shared steps of the friends, presence and DM tests, all through the public REST API.</summary>
internal static class Personal
{
    public static async Task<JsonElement> RelateAsync(TestUser actor, TestUser target, string type, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await actor.Http.PutAsJsonAsync($"/api/v1/users/@me/relationships/{target.Id}", new { type });
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(expected, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>ada and her friend bob on <paramref name="server"/>, bob connected first (he watches ada's presence), then ada.</summary>
    public static async Task<(TestUser Ada, TestUser Bob, GatewayClient BobClient, GatewayClient AdaClient)> FriendsConnectedAsync(ChaosServer server)
    {
        var ada = await server.RegisterAsync();
        var bob = await server.RegisterAsync();
        await BefriendAsync(ada, bob);
        var bobClient = await GatewayClient.ConnectAsync(server.BaseAddress, bob.AccessToken);
        return (ada, bob, bobClient, await GatewayClient.ConnectAsync(server.BaseAddress, ada.AccessToken));
    }

    public static async Task BefriendAsync(TestUser a, TestUser b)
    {
        (await RelateAsync(a, b, "friend")).GetProperty("type").GetString().ShouldBe("outgoing");
        (await RelateAsync(b, a, "friend")).GetProperty("type").GetString().ShouldBe("friend");
    }

    public static async Task<Dictionary<string, string>> RelationshipsAsync(TestUser user)
    {
        var list = await user.Http.GetFromJsonAsync<JsonElement>("/api/v1/users/@me/relationships");
        return list.EnumerateArray().ToDictionary(r => r.GetProperty("userId").GetString()!, r => r.GetProperty("type").GetString()!);
    }

    public static Task<HttpResponseMessage> OpenChannelAsync(TestUser user, params TestUser[] recipients) =>
        user.Http.PostAsJsonAsync("/api/v1/users/@me/channels", new { recipientIds = recipients.Select(r => r.Id).ToArray() });

    public static async Task<JsonElement> OpenChannelOkAsync(TestUser user, params TestUser[] recipients)
    {
        var response = await OpenChannelAsync(user, recipients);
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>The relationship events a client saw about one other user, oldest first.</summary>
    public static List<string> RelationshipEvents(GatewayClient client, TestUser about) =>
        [.. client.Payloads("RelationshipUpdated").Where(r => r.GetProperty("userId").GetString() == about.Id).Select(r => r.GetProperty("type").GetString()!)];

    public static Task<JsonElement> WaitForRelationshipAsync(GatewayClient client, TestUser about, string type) =>
        client.WaitForAsync("RelationshipUpdated", r => r.GetProperty("userId").GetString() == about.Id && r.GetProperty("type").GetString() == type);

    /// <summary>The statuses a client saw for one user, oldest first: in Ready's presences, then in PresenceUpdated events.</summary>
    public static List<string> Statuses(GatewayClient client, TestUser about) =>
        [.. client.Events.Where(e => e.Name is "Ready" or "PresenceUpdated")
            .SelectMany(e => e.Name == "Ready" ? e.Payload.GetProperty("presences").EnumerateArray().ToArray() : [e.Payload])
            .Where(p => p.GetProperty("userId").GetString() == about.Id)
            .Select(p => p.GetProperty("status").GetString()!)];

    /// <summary>Waits until the newest status a client saw for <paramref name="about"/> is <paramref name="status"/>.</summary>
    public static Task WaitForStatusAsync(GatewayClient client, TestUser about, string status, TimeSpan? timeout = null) =>
        Eventually.ReturnsAsync(() => Task.FromResult(Statuses(client, about).LastOrDefault()), s => s == status, timeout ?? TimeSpan.FromSeconds(20), $"{about.Username} to look {status}");
}
