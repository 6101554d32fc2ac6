using System.Net;
using System.Text.Json;
using Chaos.Tests.Communities;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Ai;

/// <summary>
/// AI moderation end to end (docs/api.md#ai-assistance): real HTTP, the real gateway, PostgreSQL, and the real OllamaSharp
/// client against a fake Ollama — the queue, <c>hide</c>, <c>ModerationQueued</c> to moderators only, decisions and their
/// audit entries, a hung model that never slows a send, the bounded backlog, and channels kept out of AI.
/// </summary>
public sealed class ModerationTests(ModerationFixture fixture) : IClassFixture<ModerationFixture>
{
    /// <summary>The contract's flag value for <c>hidden</c> (docs/api.md#message).</summary>
    private const int Hidden = 1;

    private const int MentionsEveryone = 256;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(45);

    private ChaosServer Server => fixture.Server;

    private FakeOllamaServer Ollama => fixture.Ollama;

    [Fact]
    public async Task FlaggedMessage_InHideMode_IsQueued_Hidden_AndAnnouncedToModeratorsOnly()
    {
        var (owner, member, communityId, channelId) = await CommunityAsync("hide");
        await using var ownerGateway = await GatewayClient.ConnectAsync(Server.BaseAddress, owner.AccessToken);
        await using var memberGateway = await GatewayClient.ConnectAsync(Server.BaseAddress, member.AccessToken);
        var fine = await SendAsync(member, channelId, "a perfectly fine message");
        var bad = await SendAsync(member, channelId, $"cheap pills {ModerationFixture.BadWord}");

        var queued = await ownerGateway.WaitForAsync("ModerationQueued", e => e.Str("messageId") == bad, Deadline);
        queued.ShouldHaveExactly("communityId", "itemId", "channelId", "messageId");
        queued.Str("communityId").ShouldBe(communityId);
        queued.Str("channelId").ShouldBe(channelId);
        var updated = await memberGateway.WaitForAsync("MessageUpdated", e => e.Str("id") == bad, Deadline);
        updated.Str("content").ShouldBeEmpty();
        (updated.GetProperty("flags").GetInt32() & Hidden).ShouldBe(Hidden);

        // Members without ManageMessages see it blank; the moderator sees what was written.
        (await member.GetAsync($"/channels/{channelId}/messages/{bad}")).Str("content").ShouldBeEmpty();
        (await owner.GetAsync($"/channels/{channelId}/messages/{bad}")).Str("content").ShouldContain("cheap pills");
        var history = await member.GetAsync($"/channels/{channelId}/messages?limit=10");
        history.EnumerateArray().Single(m => m.Str("id") == bad).Str("content").ShouldBeEmpty();
        history.EnumerateArray().Single(m => m.Str("id") == fine).Str("content").ShouldBe("a perfectly fine message");

        // An event on the same community stream after it: had the member been sent ModerationQueued, it came first.
        await owner.ExpectAsync(HttpMethod.Patch, $"/communities/{communityId}", """{"name":"Renamed Hall"}""", HttpStatusCode.OK);
        await memberGateway.WaitForAsync("CommunityUpdated", e => e.Str("name") == "Renamed Hall", Deadline);
        memberGateway.Payloads("ModerationQueued").ShouldBeEmpty();

        var queue = await owner.GetAsync($"/communities/{communityId}/moderation/queue");
        var item = queue.EnumerateArray().ShouldHaveSingleItem();
        item.ShouldHaveExactly("id", "communityId", "channelId", "messageId", "authorId", "category", "reason", "status", "createdAt");
        item.Str("id").ShouldBe(queued.Str("itemId"));
        item.Str("authorId").ShouldBe(member.Id);
        item.Str("category").ShouldBe("spam");
        item.Str("reason").ShouldBe("Repeated advertising.");
        item.Str("status").ShouldBe("open");
        await Problem.ExpectAsync(await member.SendAsync(HttpMethod.Get, $"/communities/{communityId}/moderation/queue"), 403, "missing_permission");

        // Dismissed: the message shows again, to everyone, and the decision is audited.
        var decided = await owner.ExpectAsync(HttpMethod.Patch, $"/communities/{communityId}/moderation/queue/{item.Str("id")}", """{"status":"dismissed"}""", HttpStatusCode.OK);
        decided.Str("status").ShouldBe("dismissed");
        var shown = await memberGateway.WaitForAsync("MessageUpdated", e => e.Str("id") == bad && e.Str("content").Length > 0, Deadline);
        (shown.GetProperty("flags").GetInt32() & Hidden).ShouldBe(0);
        (await member.GetAsync($"/channels/{channelId}/messages/{bad}")).Str("content").ShouldContain("cheap pills");
        var audit = await owner.AuditAsync(communityId);
        var entry = audit.Single(e => e.Str("action") == "moderation.dismiss");
        entry.Str("targetId").ShouldBe(bad);
        entry.Str("actorId").ShouldBe(owner.Id);

        await Problem.ExpectAsync(await owner.SendAsync(HttpMethod.Patch, $"/communities/{communityId}/moderation/queue/{item.Str("id")}", """{"status":"removed"}"""), 409, "conflict");
        (await owner.GetAsync($"/communities/{communityId}/moderation/queue?status=open")).GetArrayLength().ShouldBe(0);
        (await owner.GetAsync($"/communities/{communityId}/moderation/queue?status=dismissed")).GetArrayLength().ShouldBe(1);
    }

    [Fact]
    public async Task Removed_DeletesTheMessage_AndIsAudited_WhileFlagModeHidesNothing()
    {
        var (owner, member, communityId, channelId) = await CommunityAsync("flag");
        var bad = await SendAsync(member, channelId, $"{ModerationFixture.BadWord} click here");

        var item = await Eventually.ReturnsAsync(
            async () => (await owner.GetAsync($"/communities/{communityId}/moderation/queue?status=open")).EnumerateArray().ToList(),
            items => items.Count == 1,
            Deadline,
            "the queue item");
        item[0].Str("messageId").ShouldBe(bad);
        var seen = await member.GetAsync($"/channels/{channelId}/messages/{bad}");
        seen.Str("content").ShouldContain("click here");
        (seen.GetProperty("flags").GetInt32() & Hidden).ShouldBe(0);

        var decided = await owner.ExpectAsync(HttpMethod.Patch, $"/communities/{communityId}/moderation/queue/{item[0].Str("id")}", """{"status":"removed"}""", HttpStatusCode.OK);
        decided.Str("status").ShouldBe("removed");
        await Problem.ExpectAsync(await member.SendAsync(HttpMethod.Get, $"/channels/{channelId}/messages/{bad}"), 404, "not_found");
        (await owner.AuditAsync(communityId)).Single(e => e.Str("action") == "moderation.remove").Str("targetId").ShouldBe(bad);
    }

    [Fact]
    public async Task ModeratorRoutes_RefuseHostileRequests()
    {
        var (owner, member, communityId, _) = await CommunityAsync("flag");
        var outsider = await Server.RegisterAsync();
        var queue = $"/communities/{communityId}/moderation/queue";

        await Problem.ExpectAsync(await owner.SendAsync(HttpMethod.Get, $"{queue}?status=closed"), 400, "validation_failed");
        await Problem.ExpectAsync(await owner.SendAsync(HttpMethod.Get, $"{queue}?before=x"), 400, "validation_failed");
        await Problem.ExpectAsync(await owner.SendAsync(HttpMethod.Get, "/communities/abc/moderation/queue"), 400, "validation_failed");
        await Problem.ExpectAsync(await owner.SendAsync(HttpMethod.Patch, $"{queue}/1", """{"status":"open"}"""), 400, "validation_failed");
        await Problem.ExpectAsync(await owner.SendAsync(HttpMethod.Patch, $"{queue}/1", """{"status":"gone"}"""), 400, "validation_failed");
        await Problem.ExpectAsync(await owner.SendAsync(HttpMethod.Patch, $"{queue}/1", "{}"), 400, "validation_failed");
        await Problem.ExpectAsync(await owner.SendAsync(HttpMethod.Patch, $"{queue}/1", """{"status":"removed","extra":1}"""), 400, "validation_failed");
        await Problem.ExpectAsync(await owner.SendAsync(HttpMethod.Patch, $"{queue}/x", """{"status":"removed"}"""), 400, "validation_failed");
        await Problem.ExpectAsync(await owner.SendAsync(HttpMethod.Patch, $"{queue}/12345", """{"status":"removed"}"""), 404, "not_found");
        await Problem.ExpectAsync(await member.SendAsync(HttpMethod.Patch, $"{queue}/12345", """{"status":"removed"}"""), 403, "missing_permission");
        await Problem.ExpectAsync(await member.SendAsync(HttpMethod.Get, $"/communities/{communityId}/moderation/status"), 403, "missing_permission");
        ((int)(await outsider.SendAsync(HttpMethod.Get, queue)).StatusCode).ShouldBeOneOf(403, 404);
        ((int)(await new HttpClient { BaseAddress = Server.BaseAddress }.GetAsync($"/api/v1{queue}")).StatusCode).ShouldBe(401);
    }

    [Fact]
    public async Task HungModel_NeverHoldsUpASend_AndAFloodSkipsTheOldestUnclassified()
    {
        var (owner, member, communityId, channelId) = await CommunityAsync("flag");
        var marker = Guid.NewGuid().ToString("N");
        var release = new TaskCompletionSource();
        Ollama.DefaultReply = r => r.Messages.Any(m => m.Content.Contains(marker, StringComparison.Ordinal))
            ? ModerationFixture.Verdict(r) with { BeforeChunk = _ => release.Task }
            : ModerationFixture.Verdict(r);
        try
        {
            // Every send succeeds while the model hangs on the first of them.
            for (var i = 0; i < 20; i++)
            {
                await SendAsync(member, channelId, $"{marker} number {i}");
            }

            var hung = await Eventually.ReturnsAsync(
                () => Task.FromResult(Ollama.Requests.Count(r => r.Messages.Any(m => m.Content.Contains(marker, StringComparison.Ordinal)))),
                n => n >= 1,
                Deadline,
                "the first moderation call");
            hung.ShouldBe(1);

            // One in the model, the bound waiting, the rest skipped (oldest first) and counted.
            var status = await Eventually.ReturnsAsync(
                () => owner.GetAsync($"/communities/{communityId}/moderation/status"),
                s => s.GetProperty("skipped").GetInt32() == 20 - 1 - ModerationFixture.QueueBound,
                Deadline,
                "the skipped count");
            status.ShouldHaveExactly("mode", "pending", "classified", "flagged", "skipped");
            status.Str("mode").ShouldBe("flag");
            status.GetProperty("pending").GetInt32().ShouldBe(ModerationFixture.QueueBound);
            status.GetProperty("classified").GetInt32().ShouldBe(0);
        }
        finally
        {
            release.TrySetResult();
            Ollama.DefaultReply = ModerationFixture.Verdict;
        }

        var done = await Eventually.ReturnsAsync(
            () => owner.GetAsync($"/communities/{communityId}/moderation/status"),
            s => s.GetProperty("classified").GetInt32() == 1 + ModerationFixture.QueueBound,
            Deadline,
            "the backlog classified");
        done.GetProperty("pending").GetInt32().ShouldBe(0);
        var asked = Ollama.Requests.Where(r => r.Messages.Any(m => m.Content.Contains(marker, StringComparison.Ordinal))).Select(r => r.Messages[^1].Content).ToList();
        asked.Count.ShouldBe(1 + ModerationFixture.QueueBound);
        asked[0].ShouldContain("number 0\"");
        asked.Skip(1).Select(a => a[(a.IndexOf("number ", StringComparison.Ordinal) + 7)..].TrimEnd('"', '}')).ShouldBe(["15", "16", "17", "18", "19"]);
    }

    [Fact]
    public async Task ExcludedChannel_IsNeverSentToTheModel_AndSettingsAreChecked()
    {
        var (owner, member, communityId, channelId) = await CommunityAsync("flag");
        var excluded = (await owner.ExpectAsync(HttpMethod.Post, $"/communities/{communityId}/channels", """{"name":"private-talk","type":"text"}""", HttpStatusCode.Created)).Str("id");
        await owner.ExpectAsync(HttpMethod.Patch, $"/channels/{excluded}", """{"aiExcluded":true}""", HttpStatusCode.OK);
        var secret = Guid.NewGuid().ToString("N");
        var after = Guid.NewGuid().ToString("N");

        await SendAsync(member, excluded, $"{secret} {ModerationFixture.BadWord}");
        await SendAsync(member, channelId, $"{after} later, elsewhere");

        // The community's queue takes messages in order: once the later one was asked about, the earlier was passed over.
        await Eventually.ReturnsAsync(
            () => Task.FromResult(Ollama.Requests.Any(r => r.Messages.Any(m => m.Content.Contains(after, StringComparison.Ordinal)))),
            asked => asked,
            Deadline,
            "the later message's moderation call");
        Ollama.Requests.ShouldNotContain(r => r.Messages.Any(m => m.Content.Contains(secret, StringComparison.Ordinal)));
        (await owner.GetAsync($"/communities/{communityId}/moderation/queue")).GetArrayLength().ShouldBe(0);

        var request = Ollama.Requests.First(r => r.Messages.Any(m => m.Content.Contains(after, StringComparison.Ordinal)));
        request.Model.ShouldBe("mod-model");
        request.Temperature.ShouldBe(0);
        request.Format.ShouldNotBeNull().ValueKind.ShouldBe(JsonValueKind.Object);
    }

    [Fact]
    public async Task MentionsInbox_ShowsHiddenMessagesRedacted_ExceptToModerators()
    {
        var (owner, member, communityId, channelId) = await CommunityAsync("hide");
        var reader = await Server.AddMemberAsync(owner, communityId);
        var byId = await SendAsync(member, channelId, $"<@{reader.Id}> <@{owner.Id}> cheap pills {ModerationFixture.BadWord}");
        var byEveryone = await SendAsync(owner, channelId, $"@everyone {ModerationFixture.BadWord} sale");
        var fine = await SendAsync(member, channelId, $"<@{reader.Id}> lunch?");
        foreach (var id in new[] { byId, byEveryone })
        {
            await Eventually.ReturnsAsync(
                async () => (await owner.GetAsync($"/channels/{channelId}/messages/{id}")).GetProperty("flags").GetInt32(),
                flags => (flags & Hidden) != 0, Deadline, "the message hidden by moderation");
        }

        // A member without ManageMessages: listed, as in channel history, with no content and no attachments.
        var inbox = (await reader.GetAsync("/users/@me/mentions")).GetProperty("messages").EnumerateArray().ToList();
        inbox.Single(m => m.Str("id") == fine).Str("content").ShouldBe($"<@{reader.Id}> lunch?");
        foreach (var id in new[] { byId, byEveryone })
        {
            var hidden = inbox.Single(m => m.Str("id") == id);
            hidden.Str("content").ShouldBeEmpty();
            hidden.GetProperty("attachments").GetArrayLength().ShouldBe(0);
            (hidden.GetProperty("flags").GetInt32() & Hidden).ShouldBe(Hidden);
        }

        (inbox.Single(m => m.Str("id") == byEveryone).GetProperty("flags").GetInt32() & MentionsEveryone).ShouldBe(MentionsEveryone);
        inbox.ShouldNotContain(m => m.GetRawText().Contains(ModerationFixture.BadWord, StringComparison.Ordinal));

        // The moderator (ManageMessages) sees what was written, as in channel history.
        var moderatorInbox = (await owner.GetAsync("/users/@me/mentions")).GetProperty("messages").EnumerateArray().ToList();
        moderatorInbox.Single(m => m.Str("id") == byId).Str("content").ShouldContain("cheap pills");
    }

    private async Task<(TestUser Owner, TestUser Member, string CommunityId, string ChannelId)> CommunityAsync(string mode)
    {
        var owner = await Server.RegisterAsync();
        var community = await owner.CreateCommunityAsync();
        var id = community.Str("id");
        await owner.ExpectAsync(HttpMethod.Patch, $"/communities/{id}", JsonSerializer.Serialize(new { ai = new { moderation = mode } }), HttpStatusCode.OK);
        var member = await Server.AddMemberAsync(owner, id);
        return (owner, member, id, community.ChannelIds()[0]);
    }

    private static async Task<string> SendAsync(TestUser user, string channelId, string content) =>
        (await user.ExpectAsync(HttpMethod.Post, $"/channels/{channelId}/messages", JsonSerializer.Serialize(new { content }), HttpStatusCode.Created)).Str("id");
}
