using System.Net;
using System.Text.Json;
using Chaos.Tests.Communities;
using Chaos.Tests.Infrastructure;
using P = Chaos.Permissions.Permissions;

namespace Chaos.Tests.Reactions;

/// <summary>Reactions and pins over REST and the gateway (docs/api.md#reactions-and-pins), on the shared community server.</summary>
[Collection(CommunitiesServer.Name)]
public sealed class ReactionsApiTests(ApiFixture fixture)
{
    private ChaosServer Server => fixture.Server;

    [Fact]
    public async Task Reactions_ShowInHistoryWithCountsAndMe_AndTheirEventsReachWhoCanSeeTheChannel()
    {
        var room = await ReactionRoom.CreateAsync(Server);
        var hidden = await room.HiddenChannelAsync(room.Member);
        await using var ownerGateway = await GatewayClient.ConnectAsync(Server.BaseAddress, room.Owner.AccessToken);
        await using var memberGateway = await GatewayClient.ConnectAsync(Server.BaseAddress, room.Member.AccessToken);
        await using var outsiderGateway = await GatewayClient.ConnectAsync(Server.BaseAddress, room.Outsider.AccessToken);
        var secret = await room.SendAsync(room.Owner, "secret", hidden);
        var message = await room.SendAsync(room.Owner, "react to me");

        await room.Owner.ExpectAsync(HttpMethod.Put, ReactionRoom.Reaction(hidden, secret, "🙈"), null, HttpStatusCode.NoContent);
        await room.Member.ExpectAsync(HttpMethod.Put, ReactionRoom.Reaction(room.ChannelId, message, "👍"), null, HttpStatusCode.NoContent);
        await room.Member.ExpectAsync(HttpMethod.Put, ReactionRoom.Reaction(room.ChannelId, message, "👍"), null, HttpStatusCode.NoContent);
        await room.Owner.ExpectAsync(HttpMethod.Put, ReactionRoom.Reaction(room.ChannelId, message, "👍"), null, HttpStatusCode.NoContent);
        await room.Owner.ExpectAsync(HttpMethod.Put, ReactionRoom.Reaction(room.ChannelId, message, "🎉"), null, HttpStatusCode.NoContent);

        var mine = await room.Member.GetAsync($"/channels/{room.ChannelId}/messages/{message}");
        Describe(mine).ShouldBe("👍:2:True 🎉:1:False");
        mine.GetProperty("pinned").GetBoolean().ShouldBeFalse();
        var history = await room.Owner.GetAsync($"/channels/{room.ChannelId}/messages");
        Describe(history.EnumerateArray().Single(m => m.Str("id") == message)).ShouldBe("👍:2:True 🎉:1:True");
        var users = await room.Owner.GetAsync($"/channels/{room.ChannelId}/messages/{message}/reactions/{Uri.EscapeDataString("👍")}");
        users.EnumerateArray().Select(u => u.Str("id")).Order().ShouldBe(new[] { room.Owner.Id, room.Member.Id }.Order());

        foreach (var gateway in new[] { ownerGateway, memberGateway })
        {
            var added = await gateway.WaitForAsync("ReactionAdded", e => e.Str("messageId") == message && e.Str("emoji") == "🎉", TimeSpan.FromSeconds(30));
            added.Str("channelId").ShouldBe(room.ChannelId);
            added.Str("userId").ShouldBe(room.Owner.Id);
        }

        await ownerGateway.WaitForAsync("ReactionAdded", e => e.Str("messageId") == secret, TimeSpan.FromSeconds(30));
        memberGateway.Payloads("ReactionAdded").Count(e => e.Str("messageId") == message && e.Str("emoji") == "👍").ShouldBe(2, "adding the same reaction twice publishes once");
        memberGateway.Payloads("ReactionAdded").ShouldNotContain(e => e.Str("messageId") == secret);
        outsiderGateway.Payloads("ReactionAdded").ShouldBeEmpty();

        await room.Member.ExpectAsync(HttpMethod.Delete, ReactionRoom.Reaction(room.ChannelId, message, "👍"), null, HttpStatusCode.NoContent);
        var removed = await ownerGateway.WaitForAsync("ReactionRemoved", e => e.Str("messageId") == message, TimeSpan.FromSeconds(30));
        removed.Str("userId").ShouldBe(room.Member.Id);
        Describe(await room.Member.GetAsync($"/channels/{room.ChannelId}/messages/{message}")).ShouldBe("👍:1:False 🎉:1:False");
    }

    [Fact]
    public async Task HundredUsersReactingAtOnce_AreCountedExactly()
    {
        const int users = 100;
        var owner = await Server.RegisterAsync();
        var community = await owner.CreateCommunityAsync();
        var id = community.Str("id");
        var channel = community.ChannelIds()[0];
        var code = await owner.CreateInviteAsync(id, maxUses: 0);
        // Registration is bounded by the password-hashing queue (429 beyond it): set the users up a few at a time.
        var members = new TestUser[users];
        await Parallel.ForEachAsync(Enumerable.Range(0, users), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (n, _) =>
        {
            members[n] = await Server.RegisterAsync();
            await members[n].AcceptAsync(code);
        });
        var message = (await owner.ExpectAsync(HttpMethod.Post, $"/channels/{channel}/messages", """{"content":"count us"}""", HttpStatusCode.Created)).Str("id");

        await Task.WhenAll(members.SelectMany(m => new[]
        {
            m.ExpectAsync(HttpMethod.Put, ReactionRoom.Reaction(channel, message, "🔥"), null, HttpStatusCode.NoContent),
            m.ExpectAsync(HttpMethod.Put, ReactionRoom.Reaction(channel, message, "🔥"), null, HttpStatusCode.NoContent),
        }));
        await Task.WhenAll(members.Take(30).Select(m => m.ExpectAsync(HttpMethod.Delete, ReactionRoom.Reaction(channel, message, "🔥"), null, HttpStatusCode.NoContent)));

        Describe(await owner.GetAsync($"/channels/{channel}/messages/{message}")).ShouldBe("🔥:70:False");
        Describe(await members[^1].GetAsync($"/channels/{channel}/messages/{message}")).ShouldBe("🔥:70:True");
    }

    public static TheoryData<string, string> HostileEmoji() => new()
    {
        { "plain text", "a" },
        { "a word", "thumbsup" },
        { "shortcode", ":smile:" },
        { "custom emoji syntax", "<:party:123456789>" },
        { "two emoji", "👍👍" },
        { "emoji and a space", "👍 " },
        { "digit without keycap", "1" },
        { "control character", "\u0007" },
        { "lone surrogate as replacement", "\uFFFD" },
        { "oversized", string.Concat(Enumerable.Repeat("👍\u200D", 20)) + "👍" },
        { "zero-width joiner alone", "\u200D" },
    };

    [Theory]
    [MemberData(nameof(HostileEmoji))]
    public async Task Reaction_WithSomethingOtherThanOneEmoji_IsValidationFailed(string what, string emoji)
    {
        var room = await ReactionRoom.CreateAsync(Server);
        var message = await room.SendAsync(room.Owner, what);

        var problem = await Problem.ExpectAsync(await room.Owner.SendAsync(HttpMethod.Put, ReactionRoom.Reaction(room.ChannelId, message, emoji)), 400, "validation_failed");
        problem.Body.GetProperty("errors").TryGetProperty("emoji", out _).ShouldBeTrue(what);
    }

    [Theory]
    [InlineData("👍")]
    [InlineData("👍🏽")]
    [InlineData("🇫🇷")]
    [InlineData("👩‍👩‍👧‍👦")]
    [InlineData("#️⃣")]
    [InlineData("❤️")]
    [InlineData("🏴󠁧󠁢󠁳󠁣󠁴󠁿")]
    public async Task Reaction_WithOneEmojiGrapheme_IsAccepted(string emoji)
    {
        var room = await ReactionRoom.CreateAsync(Server);
        var message = await room.SendAsync(room.Owner, "emoji");

        await room.Member.ExpectAsync(HttpMethod.Put, ReactionRoom.Reaction(room.ChannelId, message, emoji), null, HttpStatusCode.NoContent);
        Describe(await room.Owner.GetAsync($"/channels/{room.ChannelId}/messages/{message}")).ShouldBe($"{emoji}:1:False");
    }

    [Fact]
    public async Task TheTwentyFirstDistinctEmoji_IsAConflict_ButJoiningAnExistingOneIsNot()
    {
        var room = await ReactionRoom.CreateAsync(Server);
        var message = await room.SendAsync(room.Owner, "many");
        var emoji = "😀😁😂😃😄😅😆😇😈😉😊😋😌😍😎😏😐😑😒😓😔".EnumerateRunes().Select(r => r.ToString()).ToList();
        foreach (var e in emoji.Take(20))
        {
            await room.Owner.ExpectAsync(HttpMethod.Put, ReactionRoom.Reaction(room.ChannelId, message, e), null, HttpStatusCode.NoContent);
        }

        await Problem.ExpectAsync(await room.Owner.SendAsync(HttpMethod.Put, ReactionRoom.Reaction(room.ChannelId, message, emoji[20])), 409, "conflict");
        await room.Member.ExpectAsync(HttpMethod.Put, ReactionRoom.Reaction(room.ChannelId, message, emoji[0]), null, HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task AddReactions_IsNeededForANewEmojiOnly()
    {
        var room = await ReactionRoom.CreateAsync(Server);
        var message = await room.SendAsync(room.Owner, "no new emoji for you");
        await room.Owner.ExpectAsync(HttpMethod.Put, $"/channels/{room.ChannelId}/overwrites/{room.Member.Id}", $$"""{"type":"member","allow":"0","deny":"{{CommunityTestApi.Bits(P.AddReactions)}}"}""", HttpStatusCode.OK);
        await room.Owner.ExpectAsync(HttpMethod.Put, ReactionRoom.Reaction(room.ChannelId, message, "👍"), null, HttpStatusCode.NoContent);

        var refused = await Problem.ExpectAsync(await room.Member.SendAsync(HttpMethod.Put, ReactionRoom.Reaction(room.ChannelId, message, "🎉")), 403, "missing_permission");
        refused.Body.GetProperty("permission").GetString().ShouldBe("AddReactions");
        await room.Member.ExpectAsync(HttpMethod.Put, ReactionRoom.Reaction(room.ChannelId, message, "👍"), null, HttpStatusCode.NoContent);
    }

    public static TheoryData<string, string, string> Routes() => new()
    {
        { "add reaction", "PUT", "/channels/{channel}/messages/{message}/reactions/%F0%9F%91%8D/@me" },
        { "remove own reaction", "DELETE", "/channels/{channel}/messages/{message}/reactions/%F0%9F%91%8D/@me" },
        { "reaction users", "GET", "/channels/{channel}/messages/{message}/reactions/%F0%9F%91%8D" },
        { "pins", "GET", "/channels/{channel}/pins" },
        { "pin", "PUT", "/channels/{channel}/pins/{message}" },
        { "unpin", "DELETE", "/channels/{channel}/pins/{message}" },
        { "channel search", "GET", "/channels/{channel}/messages/search?q=hello" },
        { "community search", "GET", "/communities/{community}/messages/search?q=hello" },
        { "remove someone's reaction", "DELETE", "/channels/{channel}/messages/{message}/reactions/%F0%9F%91%8D/{owner}" },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task EveryNewRoute_RefusesNonMembersBannedUsersAndAnonymousCallers(string what, string method, string path)
    {
        var room = await ReactionRoom.CreateAsync(Server);
        var message = await room.SendAsync(room.Owner, "hello there");
        var url = path.Replace("{channel}", room.ChannelId, StringComparison.Ordinal).Replace("{message}", message, StringComparison.Ordinal)
            .Replace("{community}", room.CommunityId, StringComparison.Ordinal).Replace("{owner}", room.Owner.Id, StringComparison.Ordinal);

        foreach (var stranger in new[] { room.Outsider, room.Banned })
        {
            var problem = await Problem.ReadAsync(await stranger.SendAsync(new HttpMethod(method), url));
            problem.Status.ShouldBe(403, what);
            problem.Code.ShouldBe("not_a_member", what);
        }

        using var anonymous = Server.CreateClient();
        await Problem.ExpectAsync(await CommunityTestApi.SendAsync(anonymous, new HttpMethod(method), url), 401, "unauthorized");
    }

    public static TheoryData<string, string, string> ManageMessagesRoutes() => new()
    {
        { "pin", "PUT", "/channels/{channel}/pins/{message}" },
        { "unpin", "DELETE", "/channels/{channel}/pins/{message}" },
        { "remove someone's reaction", "DELETE", "/channels/{channel}/messages/{message}/reactions/%F0%9F%91%8D/{owner}" },
    };

    [Theory]
    [MemberData(nameof(ManageMessagesRoutes))]
    public async Task ModerationRoutes_ForAMemberWithoutManageMessages_AreMissingPermission(string what, string method, string path)
    {
        var room = await ReactionRoom.CreateAsync(Server);
        var message = await room.SendAsync(room.Owner, "moderate me");
        await room.Owner.ExpectAsync(HttpMethod.Put, ReactionRoom.Reaction(room.ChannelId, message, "👍"), null, HttpStatusCode.NoContent);
        var url = path.Replace("{channel}", room.ChannelId, StringComparison.Ordinal).Replace("{message}", message, StringComparison.Ordinal).Replace("{owner}", room.Owner.Id, StringComparison.Ordinal);

        var problem = await Problem.ExpectAsync(await room.Member.SendAsync(new HttpMethod(method), url), 403, "missing_permission");
        problem.Body.GetProperty("permission").GetString().ShouldBe("ManageMessages", what);
    }

    [Fact]
    public async Task HiddenChannel_RefusesEveryReactionAndPinRoute()
    {
        var room = await ReactionRoom.CreateAsync(Server);
        var hidden = await room.HiddenChannelAsync(room.Member);
        var message = await room.SendAsync(room.Owner, "hidden", hidden);

        foreach (var (method, url) in new[]
        {
            ("PUT", ReactionRoom.Reaction(hidden, message, "👍")),
            ("GET", $"/channels/{hidden}/messages/{message}/reactions/%F0%9F%91%8D"),
            ("GET", $"/channels/{hidden}/pins"),
            ("GET", $"/channels/{hidden}/messages/search?q=hidden"),
        })
        {
            var problem = await Problem.ExpectAsync(await room.Member.SendAsync(new HttpMethod(method), url), 403, "missing_permission");
            problem.Body.GetProperty("permission").GetString().ShouldBe("ViewChannel", url);
        }
    }

    [Fact]
    public async Task Pins_ListNewestFirst_MarkMessagesPinned_StopAtFifty_AndAnnounceEveryChange()
    {
        var room = await ReactionRoom.CreateAsync(Server);
        var (moderator, _) = await Server.AddMemberWithRoleAsync(room.Owner, room.CommunityId, P.ManageMessages);
        await using var memberGateway = await GatewayClient.ConnectAsync(Server.BaseAddress, room.Member.AccessToken);
        var messages = new List<string>();
        for (var n = 0; n < 51; n++)
        {
            messages.Add(await room.SendAsync(room.Owner, $"pin {n}"));
        }

        foreach (var message in messages.Take(50))
        {
            await moderator.ExpectAsync(HttpMethod.Put, $"/channels/{room.ChannelId}/pins/{message}", null, HttpStatusCode.NoContent);
        }

        await Problem.ExpectAsync(await moderator.SendAsync(HttpMethod.Put, $"/channels/{room.ChannelId}/pins/{messages[50]}"), 409, "conflict");
        await moderator.ExpectAsync(HttpMethod.Put, $"/channels/{room.ChannelId}/pins/{messages[0]}", null, HttpStatusCode.NoContent);
        var pins = await room.Member.GetAsync($"/channels/{room.ChannelId}/pins");
        pins.EnumerateArray().Select(m => m.Str("id")).ShouldBe(Enumerable.Reverse(messages.Take(50)));
        pins.EnumerateArray().ShouldAllBe(m => m.GetProperty("pinned").GetBoolean());

        await moderator.ExpectAsync(HttpMethod.Delete, $"/channels/{room.ChannelId}/pins/{messages[3]}", null, HttpStatusCode.NoContent);
        await room.Owner.ExpectAsync(HttpMethod.Delete, $"/channels/{room.ChannelId}/messages/{messages[4]}", null, HttpStatusCode.NoContent);
        await moderator.ExpectAsync(HttpMethod.Put, $"/channels/{room.ChannelId}/pins/{messages[50]}", null, HttpStatusCode.NoContent);
        (await room.Member.GetAsync($"/channels/{room.ChannelId}/pins")).GetArrayLength().ShouldBe(49);
        (await room.Member.GetAsync($"/channels/{room.ChannelId}/messages/{messages[3]}")).GetProperty("pinned").GetBoolean().ShouldBeFalse();
        (await room.Member.GetAsync($"/channels/{room.ChannelId}/messages/{messages[50]}")).GetProperty("pinned").GetBoolean().ShouldBeTrue();

        // 50 pins, one unpin, one pin gone with its message, one more pin: 53 changes, each announced.
        await Eventually.ReturnsAsync(() => Task.FromResult(memberGateway.Payloads("ChannelPinsUpdated").Count(e => e.Str("channelId") == room.ChannelId)), n => n == 53, TimeSpan.FromSeconds(30), "53 ChannelPinsUpdated events");
        await Problem.ExpectAsync(await moderator.SendAsync(HttpMethod.Put, $"/channels/{room.ChannelId}/pins/{messages[4]}"), 404, "not_found");
    }

    private static string Describe(JsonElement message) =>
        string.Join(' ', message.GetProperty("reactions").EnumerateArray().Select(r => $"{r.Str("emoji")}:{r.GetProperty("count").GetInt32()}:{r.GetProperty("me").GetBoolean()}"));
}
