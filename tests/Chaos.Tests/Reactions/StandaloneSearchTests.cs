using System.Net;
using System.Text.Json;
using Chaos.Tests.Communities;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Reactions;

/// <summary>Standalone mode (in-memory stores) searches, reacts, pins and lists mentions too.</summary>
public sealed class StandaloneSearchTests : IAsyncLifetime
{
    private ChaosServer? server;

    private ChaosServer Server => server ?? throw new InvalidOperationException("Not started.");

    public async Task InitializeAsync() => server = await ChaosServer.StartAsync(connectionString: null);

    public async Task DisposeAsync()
    {
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task InMemory_SearchMentionsReactionsAndPins_Work()
    {
        var room = await ReactionRoom.CreateAsync(Server);
        var hidden = await room.HiddenChannelAsync(room.Member);
        var found = await room.SendAsync(room.Owner, $"Привет <@{room.Member.Id}>");
        await room.SendAsync(room.Owner, $"привет тайно <@{room.Member.Id}>", hidden);
        await room.Member.ExpectAsync(HttpMethod.Put, ReactionRoom.Reaction(room.ChannelId, found, "👋"), null, HttpStatusCode.NoContent);
        await room.Owner.ExpectAsync(HttpMethod.Put, $"/channels/{room.ChannelId}/pins/{found}", null, HttpStatusCode.NoContent);

        var results = await room.Member.GetAsync($"/communities/{room.CommunityId}/messages/search?q={Uri.EscapeDataString("ПРИВ")}");
        var message = results.GetProperty("messages").EnumerateArray().Single();
        message.Str("id").ShouldBe(found);
        message.GetProperty("pinned").GetBoolean().ShouldBeTrue();
        message.GetProperty("reactions")[0].GetProperty("me").GetBoolean().ShouldBeTrue();
        (await room.Member.GetAsync("/users/@me/mentions")).GetProperty("messages").EnumerateArray().Select(m => m.Str("id")).ShouldBe([found]);
        (await room.Member.GetAsync($"/channels/{room.ChannelId}/pins")).EnumerateArray().Select(m => m.Str("id")).ShouldBe([found]);
        (await room.Owner.GetAsync($"/communities/{room.CommunityId}/messages/search?q=привет")).GetProperty("messages").GetArrayLength().ShouldBe(2);
    }
}
