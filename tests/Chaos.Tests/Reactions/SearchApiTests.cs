using System.Net;
using System.Text.Json;
using Chaos.Tests.Communities;
using Chaos.Tests.Infrastructure;
using P = Chaos.Permissions.Permissions;

namespace Chaos.Tests.Reactions;

/// <summary>Search, the mentions inbox and notification settings over REST (docs/api.md#search-and-mentions).</summary>
[Collection(CommunitiesServer.Name)]
public sealed class SearchApiTests(ApiFixture fixture)
{
    private ChaosServer Server => fixture.Server;

    [Fact]
    public async Task CommunitySearch_NeverReturnsAMessageOfAChannelTheCallerCannotRead()
    {
        var room = await ReactionRoom.CreateAsync(Server);
        var word = Word();
        var hidden = await room.HiddenChannelAsync(room.Member);
        var noHistory = (await room.Owner.ExpectAsync(HttpMethod.Post, $"/communities/{room.CommunityId}/channels", """{"name":"nohistory","type":"text"}""", HttpStatusCode.Created)).Str("id");
        await room.Owner.ExpectAsync(HttpMethod.Put, $"/channels/{noHistory}/overwrites/{room.Member.Id}", $$"""{"type":"member","allow":"0","deny":"{{CommunityTestApi.Bits(P.ReadMessageHistory)}}"}""", HttpStatusCode.OK);
        var visible = await room.SendAsync(room.Owner, $"the {word} is here");
        var secret = await room.SendAsync(room.Owner, $"the {word} is secret", hidden);
        var unreadable = await room.SendAsync(room.Owner, $"the {word} is history", noHistory);
        var elsewhere = await room.Outsider.CreateCommunityAsync();
        await room.SendAsync(room.Outsider, $"the {word} elsewhere", elsewhere.ChannelIds()[0]);

        Ids(await room.Member.GetAsync($"/communities/{room.CommunityId}/messages/search?q={word}")).ShouldBe([visible]);
        Ids(await room.Owner.GetAsync($"/communities/{room.CommunityId}/messages/search?q={word}")).ShouldBe([unreadable, secret, visible]);
        Ids(await room.Member.GetAsync($"/communities/{room.CommunityId}/messages/search?q={word}&channelId={hidden}")).ShouldBeEmpty();
        await Problem.ExpectAsync(await room.Member.SendAsync(HttpMethod.Get, $"/channels/{noHistory}/messages/search?q={word}"), 403, "missing_permission");
        Ids(await room.Owner.GetAsync($"/channels/{hidden}/messages/search?q={word}")).ShouldBe([secret]);
    }

    [Fact]
    public async Task Search_PagesNewestFirstWithBefore_FiltersByAuthor_AndFindsWordsOfOtherScripts()
    {
        var room = await ReactionRoom.CreateAsync(Server);
        var word = Word();
        var sent = new List<string>();
        for (var n = 0; n < 5; n++)
        {
            sent.Add(await room.SendAsync(n % 2 == 0 ? room.Owner : room.Member, $"{word} number {n}"));
        }

        var greek = await room.SendAsync(room.Member, $"Καλημέρα {word}");
        var first = await room.Owner.GetAsync($"/communities/{room.CommunityId}/messages/search?q={word.ToUpperInvariant()}&limit=2");
        Ids(first).ShouldBe([greek, sent[4]]);
        Ids(await room.Owner.GetAsync($"/communities/{room.CommunityId}/messages/search?q={word}&limit=2&before={sent[4]}")).ShouldBe([sent[3], sent[2]]);
        Ids(await room.Owner.GetAsync($"/communities/{room.CommunityId}/messages/search?q={word}&authorId={room.Member.Id}")).ShouldBe([greek, sent[3], sent[1]]);
        Ids(await room.Owner.GetAsync($"/channels/{room.ChannelId}/messages/search?q={Uri.EscapeDataString("καλημέρα " + word)}")).ShouldBe([greek]);
        var message = first.GetProperty("messages")[0];
        message.GetProperty("author").Str("id").ShouldBe(room.Member.Id);
        message.GetProperty("reactions").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task ChannelSearch_WorksInDirectMessages_ForTheirRecipientsOnly()
    {
        var ada = await Server.RegisterAsync();
        var bob = await Server.RegisterAsync();
        var eve = await Server.RegisterAsync();
        var dm = (await ada.ExpectAsync(HttpMethod.Post, "/users/@me/channels", $$"""{"recipientIds":["{{bob.Id}}"]}""", HttpStatusCode.OK)).Str("id");
        var word = Word();
        var message = (await bob.ExpectAsync(HttpMethod.Post, $"/channels/{dm}/messages", $$"""{"content":"psst {{word}}"}""", HttpStatusCode.Created)).Str("id");

        Ids(await ada.GetAsync($"/channels/{dm}/messages/search?q={word}")).ShouldBe([message]);
        await Problem.ExpectAsync(await eve.SendAsync(HttpMethod.Get, $"/channels/{dm}/messages/search?q={word}"), 403, "missing_permission");
    }

    public static TheoryData<string, string> HostileQueries() => new()
    {
        { "no q", "" },
        { "empty q", "q=" },
        { "only punctuation", "q=%21%21%21%20%2E" },
        { "too long", "q=" + new string('a', 201) },
        { "control character", "q=a%07b" },
        { "limit zero", "q=a&limit=0" },
        { "limit too big", "q=a&limit=101" },
        { "before not an id", "q=a&before=abc" },
        { "author not an id", "q=a&authorId=-1" },
        { "channel not an id", "q=a&channelId=1e3" },
    };

    [Theory]
    [MemberData(nameof(HostileQueries))]
    public async Task Search_WithABadQuery_IsValidationFailed(string what, string query)
    {
        var room = await ReactionRoom.CreateAsync(Server);

        var problem = await Problem.ReadAsync(await room.Member.SendAsync(HttpMethod.Get, $"/communities/{room.CommunityId}/messages/search?{query}"));

        problem.Status.ShouldBe(400, what);
        problem.Code.ShouldBe("validation_failed", what);
    }

    [Fact]
    public async Task Mentions_ListWhatNamesTheCallerTheirRolesOrEveryone_InChannelsTheyCanStillSee()
    {
        var room = await ReactionRoom.CreateAsync(Server);
        var roleId = await room.Owner.CreateRoleAsync(room.CommunityId, "pinged", P.None);
        await room.Owner.AssignRoleAsync(room.CommunityId, room.Member.Id, roleId);
        var hidden = await room.HiddenChannelAsync(room.Member);
        var direct = await room.SendAsync(room.Owner, $"hey <@{room.Member.Id}>");
        var role = await room.SendAsync(room.Owner, $"team <@&{roleId}>");
        var everyone = await room.SendAsync(room.Owner, "@everyone meeting");
        var (other, _) = await Server.AddMemberWithRoleAsync(room.Owner, room.CommunityId, P.None);
        await room.SendAsync(other, "@everyone from someone without MentionEveryone");
        await room.SendAsync(room.Owner, $"hidden <@{room.Member.Id}>", hidden);
        await room.SendAsync(room.Owner, $"not you <@{room.Owner.Id}>");
        await room.SendAsync(room.Owner, $"gone <@{room.Banned.Id}>");

        var inbox = await room.Member.GetAsync("/users/@me/mentions");
        Ids(inbox).ShouldBe([everyone, role, direct]);
        Ids(await room.Member.GetAsync($"/users/@me/mentions?before={everyone}&limit=1")).ShouldBe([role]);
        Ids(await room.Banned.GetAsync("/users/@me/mentions")).ShouldBeEmpty("a banned user sees no mention of a community they are banned from");

        await room.Owner.ExpectAsync(HttpMethod.Delete, $"/communities/{room.CommunityId}/members/{room.Member.Id}", null, HttpStatusCode.NoContent);
        Ids(await room.Member.GetAsync("/users/@me/mentions")).ShouldBeEmpty();
        await Problem.ExpectAsync(await room.Member.SendAsync(HttpMethod.Get, "/users/@me/mentions?limit=0"), 400, "validation_failed");
    }

    [Fact]
    public async Task NotificationSettings_AreKeptPerCommunityAndChannel_ForTargetsTheUserCanSee()
    {
        var room = await ReactionRoom.CreateAsync(Server);
        var hidden = await room.HiddenChannelAsync(room.Member);

        var set = await room.Member.ExpectAsync(HttpMethod.Put, $"/users/@me/notification-settings/{room.CommunityId}", """{"level":"mentions"}""", HttpStatusCode.OK);
        set.Str("targetId").ShouldBe(room.CommunityId);
        set.Str("level").ShouldBe("mentions");
        await room.Member.ExpectAsync(HttpMethod.Put, $"/users/@me/notification-settings/{room.ChannelId}", """{"level":"none","mutedUntil":"2030-01-01T00:00:00Z"}""", HttpStatusCode.OK);
        await room.Member.ExpectAsync(HttpMethod.Put, $"/users/@me/notification-settings/{room.CommunityId}", """{"level":"all"}""", HttpStatusCode.OK);

        var all = (await room.Member.GetAsync("/users/@me/notification-settings")).EnumerateArray().ToDictionary(s => s.Str("targetId"));
        all.Count.ShouldBe(2);
        all[room.CommunityId].Str("level").ShouldBe("all");
        all[room.ChannelId].Str("level").ShouldBe("none");
        DateTimeOffset.Parse(all[room.ChannelId].Str("mutedUntil"), System.Globalization.CultureInfo.InvariantCulture).ShouldBe(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));

        await Problem.ExpectAsync(await room.Member.SendAsync(HttpMethod.Put, $"/users/@me/notification-settings/{room.CommunityId}", """{"level":"loud"}"""), 400, "validation_failed");
        await Problem.ExpectAsync(await room.Member.SendAsync(HttpMethod.Put, $"/users/@me/notification-settings/{room.CommunityId}", "{}"), 400, "validation_failed");
        await Problem.ExpectAsync(await room.Member.SendAsync(HttpMethod.Put, $"/users/@me/notification-settings/{room.CommunityId}", """{"level":"all","mutedUntil":"soon"}"""), 400, "validation_failed");
        await Problem.ExpectAsync(await room.Member.SendAsync(HttpMethod.Put, "/users/@me/notification-settings/abc", """{"level":"all"}"""), 400, "validation_failed");
        await Problem.ExpectAsync(await room.Member.SendAsync(HttpMethod.Put, $"/users/@me/notification-settings/{hidden}", """{"level":"all"}"""), 403, "missing_permission");
        await Problem.ExpectAsync(await room.Outsider.SendAsync(HttpMethod.Put, $"/users/@me/notification-settings/{room.CommunityId}", """{"level":"all"}"""), 403, "not_a_member");
        await Problem.ExpectAsync(await room.Banned.SendAsync(HttpMethod.Put, $"/users/@me/notification-settings/{room.ChannelId}", """{"level":"all"}"""), 403, "not_a_member");
        await Problem.ExpectAsync(await room.Member.SendAsync(HttpMethod.Put, "/users/@me/notification-settings/123456789", """{"level":"all"}"""), 404, "not_found");
    }

    private static string Word() => "w" + Guid.NewGuid().ToString("N")[..12];

    private static IReadOnlyList<string> Ids(JsonElement results) => [.. results.GetProperty("messages").EnumerateArray().Select(m => m.Str("id"))];
}
