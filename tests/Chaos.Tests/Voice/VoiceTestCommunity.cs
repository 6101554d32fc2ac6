using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chaos.Tests.Gateway;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Voice;

/// <summary>A community with an owner and members, and helpers for its voice channels.</summary>
internal sealed record VoiceTestCommunity(TestUser Owner, IReadOnlyList<TestUser> Members, JsonElement Community)
{
    public string Id => Community.GetProperty("id").GetString()!;

    public string Voice => Community.GetProperty("channels").EnumerateArray().First(c => c.GetProperty("type").GetString() == "voice").GetProperty("id").GetString()!;

    public string Text => GatewayTests.GeneralChannel(Community);

    public static async Task<VoiceTestCommunity> CreateAsync(ChaosServer server, int members)
    {
        var owner = await server.RegisterAsync();
        var community = await GatewayTests.CreateCommunityAsync(owner);
        var joined = new List<TestUser>();
        for (var i = 0; i < members; i++)
        {
            var member = await server.RegisterAsync();
            await GatewayTests.JoinAsync(owner, member, community);
            joined.Add(member);
        }

        return new VoiceTestCommunity(owner, joined, community);
    }

    public async Task<string> CreateVoiceChannelAsync(string name)
    {
        var response = await Owner.Http.PostAsJsonAsync($"/api/v1/communities/{Id}/channels", new { name, type = "voice" });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    public static async Task<List<string>> ParticipantsAsync(TestUser viewer, string channelId)
    {
        var response = await viewer.Http.GetAsync($"/api/v1/channels/{channelId}/voice-states");
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return [.. (await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().Select(s => s.GetProperty("userId").GetString()!)];
    }

    public Task<HttpResponseMessage> ModerateAsync(TestUser actor, TestUser target, object body) =>
        actor.Http.PatchAsJsonAsync($"/api/v1/communities/{Id}/voice-states/{target.Id}", body);
}
