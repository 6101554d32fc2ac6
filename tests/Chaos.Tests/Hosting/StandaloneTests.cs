using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Chaos.Tests.Communities;
using Chaos.Tests.Gateway;
using Chaos.Tests.Infrastructure;
using static Chaos.Tests.Personal.Personal;

namespace Chaos.Tests.Hosting;

/// <summary>The README's first command: no connection string, so every store is the in-memory one. One walk through all of them.</summary>
public sealed class StandaloneTests
{
    [Fact]
    public async Task Standalone_KeepsMembersMessagesReadStatesRelationshipsAndDmsInMemory()
    {
        await using var server = await ChaosServer.StartAsync(connectionString: null);
        var owner = await server.RegisterAsync();
        var community = await owner.CreateCommunityAsync();
        var communityId = community.Str("id");
        var member = await server.AddMemberAsync(owner, communityId);
        var general = GatewayTests.GeneralChannel(community);

        var members = await owner.GetAsync($"/communities/{communityId}/members");
        members.EnumerateArray().Select(m => m.GetProperty("user").Str("id")).ShouldBe([owner.Id, member.Id], ignoreOrder: true);

        var first = await GatewayTests.SendAsync(owner, general, "hello");
        (await member.Http.PutAsJsonAsync($"/api/v1/channels/{general}/read-state", new { lastReadMessageId = first.Str("id") })).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await GatewayTests.SendAsync(owner, general, $"after the ack <@{member.Id}>");
        var history = await member.GetAsync($"/channels/{general}/messages");
        history.EnumerateArray().Select(m => m.Str("content")).ShouldBe(["hello", $"after the ack <@{member.Id}>"]);

        (await RelateAsync(owner, member, "friend")).Str("type").ShouldBe("outgoing");
        (await RelationshipsAsync(member)).ShouldBe(new Dictionary<string, string> { [owner.Id] = "incoming" });

        var dm = (await OpenChannelOkAsync(owner, member)).Str("id");
        (await member.Http.GetFromJsonAsync<JsonElement>("/api/v1/users/@me/channels")).EnumerateArray().Select(c => c.Str("id")).ShouldBe([dm]);

        await using var client = await GatewayClient.ConnectAsync(server.BaseAddress, member.AccessToken);
        var ready = client.Events[0].Payload;
        var readState = ready.GetProperty("readStates").EnumerateArray().Single();
        (readState.Str("channelId"), readState.GetProperty("unreadCount").GetInt32(), readState.GetProperty("mentionCount").GetInt32()).ShouldBe((general, 1, 1));
        ready.GetProperty("communities").EnumerateArray().Select(c => c.Str("id")).ShouldBe([communityId]);
    }
}
