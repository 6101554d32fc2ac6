using System.Net;
using System.Text.Json;
using Chaos.Communities;
using Chaos.Tests.Infrastructure;
using P = Chaos.Permissions.Permissions;

namespace Chaos.Tests.Communities;

/// <summary>Every community route's happy path over real HTTP, with the response shapes docs/api.md#objects names, and the audit log.</summary>
[Collection(CommunitiesServer.Name)]
public sealed class CommunityApiTests(ApiFixture fixture)
{
    private static readonly string[] CommunityFields = ["id", "name", "description", "ownerId", "createdAt", "memberCount", "roles", "channels", "ai"];
    private static readonly string[] RoleFields = ["id", "name", "permissions", "position", "color", "mentionable"];
    private static readonly string[] ChannelFields = ["id", "type", "communityId", "name", "topic", "position", "overwrites", "recipientIds", "aiExcluded", "e2ee"];
    private static readonly string[] MemberFields = ["communityId", "user", "nickname", "roleIds", "joinedAt"];
    private static readonly string[] UserFields = ["id", "username", "displayName", "createdAt"];
    private static readonly string[] AuditFields = ["id", "communityId", "actorId", "action", "targetId", "reason", "changes", "createdAt"];

    private ChaosServer Server => fixture.Server;

    [Fact]
    public async Task CreateCommunity_MakesCreatorOwner_WithEveryoneGeneralAndVoiceGeneral()
    {
        var owner = await Server.RegisterAsync();
        using var response = await owner.SendAsync(HttpMethod.Post, "/communities", """{"name":"  Night Owls  ","description":"we stay up"}""");
        var community = await CommunityTestApi.ReadAsync(response, HttpStatusCode.Created);

        community.ShouldHaveExactly(CommunityFields);
        var id = community.ShouldBeId("id");
        response.Headers.Location!.ToString().ShouldBe($"/api/v1/communities/{id}");
        community.Str("name").ShouldBe("Night Owls");
        community.Str("description").ShouldBe("we stay up");
        community.Str("ownerId").ShouldBe(owner.Id);
        community.GetProperty("memberCount").GetInt32().ShouldBe(1);
        DateTimeOffset.Parse(community.Str("createdAt"), System.Globalization.CultureInfo.InvariantCulture).ShouldBe(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1));

        var everyone = community.Items("roles").ShouldHaveSingleItem();
        everyone.ShouldHaveExactly(RoleFields);
        everyone.Str("id").ShouldBe(id);
        everyone.Str("name").ShouldBe("@everyone");
        everyone.Str("permissions").ShouldBe(CommunityTestApi.Bits(
            P.ViewChannel | P.SendMessages | P.ReadMessageHistory | P.CreateInvites | P.AttachFiles | P.Connect | P.Speak | P.SendVoiceMessages | P.AddReactions));
        everyone.GetProperty("position").GetInt32().ShouldBe(0);
        everyone.GetProperty("color").GetInt32().ShouldBe(0);
        everyone.GetProperty("mentionable").GetBoolean().ShouldBeFalse();

        var channels = community.Items("channels");
        channels.Count.ShouldBe(2);
        foreach (var channel in channels)
        {
            channel.ShouldHaveExactly(ChannelFields);
            channel.ShouldBeId("id");
            channel.Str("communityId").ShouldBe(id);
            channel.GetProperty("overwrites").GetArrayLength().ShouldBe(0);
            channel.GetProperty("topic").ValueKind.ShouldBe(JsonValueKind.Null);
            channel.GetProperty("recipientIds").ValueKind.ShouldBe(JsonValueKind.Null);
        }

        (channels[0].Str("type"), channels[0].Str("name"), channels[0].GetProperty("position").GetInt32()).ShouldBe(("text", "general", 0));
        (channels[1].Str("type"), channels[1].Str("name"), channels[1].GetProperty("position").GetInt32()).ShouldBe(("voice", "General", 1));

        var reread = await owner.GetAsync($"/communities/{id}");
        reread.ToString().ShouldBe(community.ToString());
    }

    [Fact]
    public async Task PatchCommunity_ChangesNameAndDescription_AndLeavesAbsentFieldsAlone()
    {
        var owner = await Server.RegisterAsync();
        var id = (await owner.CreateCommunityAsync("Before")).Str("id");

        var renamed = await owner.ExpectAsync(HttpMethod.Patch, $"/communities/{id}", """{"name":"After"}""", HttpStatusCode.OK);
        renamed.ShouldHaveExactly(CommunityFields);
        renamed.Str("name").ShouldBe("After");
        renamed.Str("description").ShouldBe(string.Empty);

        var described = await owner.ExpectAsync(HttpMethod.Patch, $"/communities/{id}", """{"description":"now with words"}""", HttpStatusCode.OK);
        described.Str("name").ShouldBe("After");
        described.Str("description").ShouldBe("now with words");
        (await owner.GetAsync($"/communities/{id}")).Str("description").ShouldBe("now with words");
    }

    [Fact]
    public async Task DeleteCommunity_ByOwner_RemovesItForEveryMember()
    {
        var owner = await Server.RegisterAsync();
        var community = await owner.CreateCommunityAsync();
        var id = community.Str("id");
        var channelId = community.ChannelIds()[0];
        var member = await Server.AddMemberAsync(owner, id);
        var code = await owner.CreateInviteAsync(id);

        await owner.ExpectAsync(HttpMethod.Delete, $"/communities/{id}", null, HttpStatusCode.NoContent);

        await Problem.ExpectAsync(await owner.SendAsync(HttpMethod.Get, $"/communities/{id}"), 404, "not_found");
        await Problem.ExpectAsync(await member.SendAsync(HttpMethod.Get, $"/communities/{id}"), 404, "not_found");
        await Problem.ExpectAsync(await member.SendAsync(HttpMethod.Get, $"/channels/{channelId}"), 404, "not_found");
        await Problem.ExpectAsync(await Server.Http.GetAsync($"/api/v1/invites/{code}"), 404, "invite_invalid");
        (await member.GetAsync("/users/@me/communities")).EnumerateArray().Select(c => c.Str("id")).ShouldNotContain(id);
        (await owner.GetAsync("/users/@me/communities")).EnumerateArray().Select(c => c.Str("id")).ShouldNotContain(id);
    }

    [Fact]
    public async Task MyCommunities_ListsExactlyTheCommunitiesIAmIn()
    {
        var me = await Server.RegisterAsync();
        var other = await Server.RegisterAsync();
        var mine = (await me.CreateCommunityAsync("Mine")).Str("id");
        var joined = (await other.CreateCommunityAsync("Theirs")).Str("id");
        var notJoined = (await other.CreateCommunityAsync("Not mine")).Str("id");
        await me.AcceptAsync(await other.CreateInviteAsync(joined));

        var list = await me.GetAsync("/users/@me/communities");
        list.ValueKind.ShouldBe(JsonValueKind.Array);
        list.EnumerateArray().Select(c => c.Str("id")).Order().ShouldBe(new[] { mine, joined }.Order());
        list.EnumerateArray().First().ShouldHaveExactly(CommunityFields);
        list.EnumerateArray().Select(c => c.Str("id")).ShouldNotContain(notJoined);

        await me.ExpectAsync(HttpMethod.Delete, $"/communities/{joined}/members/@me", null, HttpStatusCode.NoContent);
        (await me.GetAsync("/users/@me/communities")).EnumerateArray().Select(c => c.Str("id")).ShouldBe([mine]);
    }

    [Fact]
    public async Task Channels_CreateGetPatchDelete_KeepPositionsContiguous()
    {
        var owner = await Server.RegisterAsync();
        var id = (await owner.CreateCommunityAsync()).Str("id");

        using var created = await owner.SendAsync(HttpMethod.Post, $"/communities/{id}/channels", """{"name":"news","type":"text","topic":"read me"}""");
        var channel = await CommunityTestApi.ReadAsync(created, HttpStatusCode.Created);
        channel.ShouldHaveExactly(ChannelFields);
        var channelId = channel.ShouldBeId("id");
        created.Headers.Location!.ToString().ShouldBe($"/api/v1/channels/{channelId}");
        (channel.Str("type"), channel.Str("name"), channel.Str("topic"), channel.GetProperty("position").GetInt32()).ShouldBe(("text", "news", "read me", 2));
        channel.Str("communityId").ShouldBe(id);

        var voice = await owner.ExpectAsync(HttpMethod.Post, $"/communities/{id}/channels", """{"name":"Lounge","type":"voice","position":0}""", HttpStatusCode.Created);
        voice.Str("type").ShouldBe("voice");
        voice.GetProperty("position").GetInt32().ShouldBe(0);

        (await owner.GetAsync($"/channels/{channelId}")).GetProperty("position").GetInt32().ShouldBe(3);

        var patched = await owner.ExpectAsync(HttpMethod.Patch, $"/channels/{channelId}", """{"name":"announcements","topic":"","position":1}""", HttpStatusCode.OK);
        patched.ShouldHaveExactly(ChannelFields);
        (patched.Str("name"), patched.GetProperty("position").GetInt32()).ShouldBe(("announcements", 1));
        patched.GetProperty("topic").ValueKind.ShouldBe(JsonValueKind.Null);

        var community = await owner.GetAsync($"/communities/{id}");
        community.Items("channels").Select(c => c.Str("name")).ShouldBe(["Lounge", "announcements", "general", "General"]);
        community.Items("channels").Select(c => c.GetProperty("position").GetInt32()).ShouldBe([0, 1, 2, 3]);

        await owner.ExpectAsync(HttpMethod.Delete, $"/channels/{channelId}", null, HttpStatusCode.NoContent);
        await Problem.ExpectAsync(await owner.SendAsync(HttpMethod.Get, $"/channels/{channelId}"), 404, "not_found");
        community = await owner.GetAsync($"/communities/{id}");
        community.Items("channels").Select(c => c.Str("name")).ShouldBe(["Lounge", "general", "General"]);
        community.Items("channels").Select(c => c.GetProperty("position").GetInt32()).ShouldBe([0, 1, 2]);
    }

    [Fact]
    public async Task Overwrites_PutAndDelete_ForRoleAndMember()
    {
        var owner = await Server.RegisterAsync();
        var community = await owner.CreateCommunityAsync();
        var id = community.Str("id");
        var channelId = community.ChannelIds()[0];
        var member = await Server.AddMemberAsync(owner, id);

        var allow = CommunityTestApi.Bits(P.AttachFiles);
        var deny = CommunityTestApi.Bits(P.SendMessages | P.MentionEveryone);
        var channel = await owner.ExpectAsync(HttpMethod.Put, $"/channels/{channelId}/overwrites/{id}", $$"""{"type":"role","allow":"{{allow}}","deny":"{{deny}}"}""", HttpStatusCode.OK);
        var overwrite = channel.Items("overwrites").ShouldHaveSingleItem();
        overwrite.ShouldHaveExactly("id", "type", "allow", "deny");
        (overwrite.Str("id"), overwrite.Str("type"), overwrite.Str("allow"), overwrite.Str("deny")).ShouldBe((id, "role", allow, deny));

        channel = await owner.ExpectAsync(HttpMethod.Put, $"/channels/{channelId}/overwrites/{member.Id}", $$"""{"type":"member","allow":"{{deny}}","deny":"0"}""", HttpStatusCode.OK);
        channel.Items("overwrites").Select(o => (o.Str("id"), o.Str("type"))).ShouldBe([(id, "role"), (member.Id, "member")]);

        // Replacing an overwrite keeps one per target.
        channel = await owner.ExpectAsync(HttpMethod.Put, $"/channels/{channelId}/overwrites/{id}", """{"type":"role","allow":"0","deny":"0"}""", HttpStatusCode.OK);
        channel.Items("overwrites").Count.ShouldBe(2);

        channel = await owner.ExpectAsync(HttpMethod.Delete, $"/channels/{channelId}/overwrites/{id}", null, HttpStatusCode.OK);
        channel.Items("overwrites").Select(o => o.Str("id")).ShouldBe([member.Id]);
        (await owner.GetAsync($"/channels/{channelId}")).Items("overwrites").Select(o => o.Str("id")).ShouldBe([member.Id]);
        await Problem.ExpectAsync(await owner.SendAsync(HttpMethod.Delete, $"/channels/{channelId}/overwrites/{id}"), 404, "not_found");
    }

    [Fact]
    public async Task Members_ArePagedByUserId_WithAfterAndLimit()
    {
        var owner = await Server.RegisterAsync();
        var id = (await owner.CreateCommunityAsync()).Str("id");
        var code = await owner.CreateInviteAsync(id, maxUses: 0);
        var joined = await Task.WhenAll(Enumerable.Range(0, 25).Select(async _ =>
        {
            var user = await Server.RegisterAsync();
            await user.AcceptAsync(code);
            return user;
        }));
        var expected = joined.Select(u => u.Id).Append(owner.Id).OrderBy(long.Parse).ToList();

        var seen = new List<string>();
        string? after = null;
        var pageSizes = new List<int>();
        while (true)
        {
            var page = await owner.GetAsync($"/communities/{id}/members?limit=10" + (after is null ? string.Empty : $"&after={after}"));
            var members = page.EnumerateArray().ToList();
            if (members.Count == 0)
            {
                break;
            }

            pageSizes.Add(members.Count);
            foreach (var member in members)
            {
                member.ShouldHaveExactly(MemberFields);
                member.Str("communityId").ShouldBe(id);
                member.GetProperty("user").ShouldHaveExactly(UserFields);
                member.GetProperty("roleIds").GetArrayLength().ShouldBe(0);
                member.GetProperty("nickname").ValueKind.ShouldBe(JsonValueKind.Null);
                seen.Add(member.GetProperty("user").ShouldBeId("id"));
            }

            after = seen[^1];
        }

        pageSizes.ShouldBe([10, 10, 6]);
        seen.ShouldBe(expected);
        (await owner.GetAsync($"/communities/{id}")).GetProperty("memberCount").GetInt32().ShouldBe(26);
        (await owner.GetAsync($"/communities/{id}/members")).GetArrayLength().ShouldBe(26);

        var one = await joined[3].GetAsync($"/communities/{id}/members/{joined[7].Id}");
        one.ShouldHaveExactly(MemberFields);
        one.GetProperty("user").Str("username").ShouldBe(joined[7].Username);
        one.GetProperty("user").Str("id").ShouldBe(joined[7].Id);
    }

    [Fact]
    public async Task Leave_RemovesTheMember_AndTheyCanComeBackThroughAnInvite()
    {
        var owner = await Server.RegisterAsync();
        var id = (await owner.CreateCommunityAsync()).Str("id");
        var member = await Server.AddMemberAsync(owner, id);
        (await owner.GetAsync($"/communities/{id}")).GetProperty("memberCount").GetInt32().ShouldBe(2);

        await member.ExpectAsync(HttpMethod.Delete, $"/communities/{id}/members/@me", null, HttpStatusCode.NoContent);

        await Problem.ExpectAsync(await member.SendAsync(HttpMethod.Get, $"/communities/{id}"), 403, "not_a_member");
        await Problem.ExpectAsync(await owner.SendAsync(HttpMethod.Get, $"/communities/{id}/members/{member.Id}"), 404, "not_found");
        (await owner.GetAsync($"/communities/{id}")).GetProperty("memberCount").GetInt32().ShouldBe(1);

        (await member.AcceptAsync(await owner.CreateInviteAsync(id))).GetProperty("memberCount").GetInt32().ShouldBe(2);
    }

    [Fact]
    public async Task Kick_RemovesTheMember_WithTheReasonInTheAuditLog()
    {
        var owner = await Server.RegisterAsync();
        var id = (await owner.CreateCommunityAsync()).Str("id");
        var member = await Server.AddMemberAsync(owner, id);

        using var kick = await CommunityTestApi.SendAsync(owner.Http, HttpMethod.Delete, $"/communities/{id}/members/{member.Id}", null, new Dictionary<string, string> { ["X-Audit-Log-Reason"] = "too loud" });
        await CommunityTestApi.ReadAsync(kick, HttpStatusCode.NoContent);

        await Problem.ExpectAsync(await member.SendAsync(HttpMethod.Get, $"/communities/{id}"), 403, "not_a_member");
        (await owner.GetAsync($"/communities/{id}")).GetProperty("memberCount").GetInt32().ShouldBe(1);
        var entry = (await owner.AuditAsync(id)).Last();
        (entry.Str("action"), entry.Str("actorId"), entry.Str("targetId"), entry.Str("reason")).ShouldBe(("member.kick", owner.Id, member.Id, "too loud"));

        // A kick is not a ban: they may come back.
        await member.AcceptAsync(await owner.CreateInviteAsync(id));
    }

    [Fact]
    public async Task Bans_PutListDelete()
    {
        var owner = await Server.RegisterAsync();
        var id = (await owner.CreateCommunityAsync()).Str("id");
        var member = await Server.AddMemberAsync(owner, id);
        var outsider = await Server.RegisterAsync();

        await owner.ExpectAsync(HttpMethod.Put, $"/communities/{id}/bans/{member.Id}", """{"reason":"spam"}""", HttpStatusCode.NoContent);
        await owner.ExpectAsync(HttpMethod.Put, $"/communities/{id}/bans/{outsider.Id}", null, HttpStatusCode.NoContent);

        await Problem.ExpectAsync(await member.SendAsync(HttpMethod.Get, $"/communities/{id}"), 403, "not_a_member");
        (await owner.GetAsync($"/communities/{id}")).GetProperty("memberCount").GetInt32().ShouldBe(1);

        var bans = (await owner.GetAsync($"/communities/{id}/bans")).EnumerateArray().ToList();
        bans.Count.ShouldBe(2);
        foreach (var ban in bans)
        {
            ban.ShouldHaveExactly("user", "reason", "createdAt");
            ban.GetProperty("user").ShouldHaveExactly(UserFields);
        }

        var memberBan = bans.Single(b => b.GetProperty("user").Str("id") == member.Id);
        memberBan.Str("reason").ShouldBe("spam");
        memberBan.GetProperty("user").Str("username").ShouldBe(member.Username);
        bans.Single(b => b.GetProperty("user").Str("id") == outsider.Id).GetProperty("reason").ValueKind.ShouldBe(JsonValueKind.Null);

        await owner.ExpectAsync(HttpMethod.Delete, $"/communities/{id}/bans/{member.Id}", null, HttpStatusCode.NoContent);
        (await owner.GetAsync($"/communities/{id}/bans")).EnumerateArray().Select(b => b.GetProperty("user").Str("id")).ShouldBe([outsider.Id]);
        await Problem.ExpectAsync(await owner.SendAsync(HttpMethod.Delete, $"/communities/{id}/bans/{member.Id}"), 404, "not_found");
    }

    [Fact]
    public async Task Invites_CreateListPreviewWithoutAuthAcceptRevoke()
    {
        var owner = await Server.RegisterAsync();
        var id = (await owner.CreateCommunityAsync("Invite Hall")).Str("id");

        using var created = await owner.SendAsync(HttpMethod.Post, $"/communities/{id}/invites", """{"maxUses":5,"maxAgeSeconds":3600}""");
        var invite = await CommunityTestApi.ReadAsync(created, HttpStatusCode.Created);
        foreach (var field in new[] { "code", "communityId", "inviterId", "maxUses", "uses", "expiresAt" })
        {
            invite.TryGetProperty(field, out _).ShouldBeTrue(field);
        }

        var code = invite.Str("code");
        code.Length.ShouldBe(InviteKey.CodeLength);
        code.ShouldAllBe(c => char.IsAsciiLetterOrDigit(c));
        created.Headers.Location!.ToString().ShouldBe($"/api/v1/invites/{code}");
        (invite.Str("communityId"), invite.Str("inviterId"), invite.GetProperty("maxUses").GetInt32(), invite.GetProperty("uses").GetInt32()).ShouldBe((id, owner.Id, 5, 0));
        DateTimeOffset.Parse(invite.Str("expiresAt"), System.Globalization.CultureInfo.InvariantCulture).ShouldBe(DateTimeOffset.UtcNow.AddHours(1), TimeSpan.FromMinutes(1));

        var listed = (await owner.GetAsync($"/communities/{id}/invites")).EnumerateArray().ShouldHaveSingleItem();
        listed.Str("code").ShouldBe(code);

        using var anonymous = new HttpClient { BaseAddress = Server.BaseAddress };
        var preview = await CommunityTestApi.ReadAsync(await anonymous.GetAsync($"/api/v1/invites/{code}"), HttpStatusCode.OK);
        (preview.Str("code"), preview.Str("communityId"), preview.Str("inviterId")).ShouldBe((code, id, owner.Id));
        preview.GetProperty("community").ShouldHaveExactly("id", "name", "description", "memberCount");
        preview.GetProperty("community").Str("name").ShouldBe("Invite Hall");
        preview.GetProperty("community").GetProperty("memberCount").GetInt32().ShouldBe(1);

        var joiner = await Server.RegisterAsync();
        var joined = await joiner.AcceptAsync(code);
        joined.ShouldHaveExactly(CommunityFields);
        joined.Str("id").ShouldBe(id);
        joined.GetProperty("memberCount").GetInt32().ShouldBe(2);
        (await owner.GetAsync($"/communities/{id}/invites")).EnumerateArray().Single().GetProperty("uses").GetInt32().ShouldBe(1);

        await owner.ExpectAsync(HttpMethod.Delete, $"/invites/{code}", null, HttpStatusCode.NoContent);
        await Problem.ExpectAsync(await anonymous.GetAsync($"/api/v1/invites/{code}"), 404, "invite_invalid");
        (await owner.GetAsync($"/communities/{id}/invites")).GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task Roles_CreatePatchDelete_AndMemberRolesPutDelete()
    {
        var owner = await Server.RegisterAsync();
        var id = (await owner.CreateCommunityAsync()).Str("id");
        var member = await Server.AddMemberAsync(owner, id);
        var permissions = CommunityTestApi.Bits(P.KickMembers | P.ManageMessages);

        using var created = await owner.SendAsync(HttpMethod.Post, $"/communities/{id}/roles", $$"""{"name":"mod","permissions":"{{permissions}}","color":16711680,"mentionable":true}""");
        var role = await CommunityTestApi.ReadAsync(created, HttpStatusCode.Created);
        role.ShouldHaveExactly(RoleFields);
        var roleId = role.ShouldBeId("id");
        (role.Str("name"), role.Str("permissions"), role.GetProperty("position").GetInt32(), role.GetProperty("color").GetInt32(), role.GetProperty("mentionable").GetBoolean())
            .ShouldBe(("mod", permissions, 1, 16711680, true));

        var second = await owner.CreateRoleAsync(id, "helper", P.None);
        (await owner.GetAsync($"/communities/{id}")).Items("roles").Select(r => (r.Str("id"), r.GetProperty("position").GetInt32())).ShouldBe([(id, 0), (second, 1), (roleId, 2)]);

        var patched = await owner.ExpectAsync(HttpMethod.Patch, $"/communities/{id}/roles/{roleId}", $$"""{"name":"moderator","permissions":"{{CommunityTestApi.Bits(P.BanMembers)}}","mentionable":false}""", HttpStatusCode.OK);
        (patched.Str("name"), patched.Str("permissions"), patched.GetProperty("mentionable").GetBoolean(), patched.GetProperty("color").GetInt32()).ShouldBe(("moderator", CommunityTestApi.Bits(P.BanMembers), false, 16711680));

        var everyone = await owner.ExpectAsync(HttpMethod.Patch, $"/communities/{id}/roles/{id}", $$"""{"permissions":"{{CommunityTestApi.Bits(P.ViewChannel)}}"}""", HttpStatusCode.OK);
        everyone.Str("permissions").ShouldBe(CommunityTestApi.Bits(P.ViewChannel));

        var withRole = await owner.AssignRoleAsync(id, member.Id, roleId);
        withRole.ShouldHaveExactly(MemberFields);
        withRole.Items("roleIds").Select(r => r.GetString()).ShouldBe([roleId]);
        (await owner.GetAsync($"/communities/{id}/members/{member.Id}")).Items("roleIds").Select(r => r.GetString()).ShouldBe([roleId]);

        var without = await owner.ExpectAsync(HttpMethod.Delete, $"/communities/{id}/members/{member.Id}/roles/{roleId}", null, HttpStatusCode.OK);
        without.GetProperty("roleIds").GetArrayLength().ShouldBe(0);

        await owner.AssignRoleAsync(id, member.Id, roleId);
        var channelId = (await owner.GetAsync($"/communities/{id}")).ChannelIds()[0];
        await owner.ExpectAsync(HttpMethod.Put, $"/channels/{channelId}/overwrites/{roleId}", """{"type":"role","allow":"0","deny":"2"}""", HttpStatusCode.OK);
        await owner.ExpectAsync(HttpMethod.Delete, $"/communities/{id}/roles/{roleId}", null, HttpStatusCode.NoContent);
        (await owner.GetAsync($"/channels/{channelId}")).GetProperty("overwrites").GetArrayLength().ShouldBe(0, "a deleted role's overwrites go with it");
        (await owner.GetAsync($"/communities/{id}")).Items("roles").Select(r => (r.Str("id"), r.GetProperty("position").GetInt32())).ShouldBe([(id, 0), (second, 1)]);
        (await owner.GetAsync($"/communities/{id}/members/{member.Id}")).GetProperty("roleIds").GetArrayLength().ShouldBe(0);
        await Problem.ExpectAsync(await owner.SendAsync(HttpMethod.Delete, $"/communities/{id}/roles/{roleId}"), 404, "not_found");
    }

    [Fact]
    public async Task ChannelPositions_UnderConcurrentCreatesAndMoves_StayExactlyZeroToNMinusOne()
    {
        var owner = await Server.RegisterAsync();
        var community = await owner.CreateCommunityAsync();
        var id = community.Str("id");
        var existing = community.ChannelIds();
        var random = new Random(1234);
        var creates = Enumerable.Range(0, 20).Select(i => (Name: $"c{i}", Position: random.Next(0, 30))).ToList();
        var moves = Enumerable.Range(0, 6).Select(i => (Id: existing[i % existing.Count], Position: random.Next(0, 25))).ToList();

        var work = creates.Select(c => owner.ExpectAsync(HttpMethod.Post, $"/communities/{id}/channels", $$"""{"name":"{{c.Name}}","type":"text","position":{{c.Position}}}""", HttpStatusCode.Created))
            .Concat(moves.Select(m => owner.ExpectAsync(HttpMethod.Patch, $"/channels/{m.Id}", $$"""{"position":{{m.Position}}}""", HttpStatusCode.OK)));
        await Task.WhenAll(work);

        var channels = (await owner.GetAsync($"/communities/{id}")).Items("channels");
        channels.Count.ShouldBe(22);
        channels.Select(c => c.Str("id")).Distinct().Count().ShouldBe(22);
        channels.Select(c => c.GetProperty("position").GetInt32()).Order().ShouldBe(Enumerable.Range(0, 22));
        channels.Select(c => c.GetProperty("position").GetInt32()).ShouldBe(Enumerable.Range(0, 22), "channels come back in position order");
        channels.Select(c => c.Str("name")).Where(n => n.StartsWith('c')).Order().ShouldBe(creates.Select(c => c.Name).Order());
        foreach (var channel in channels)
        {
            (await owner.GetAsync($"/channels/{channel.Str("id")}")).GetProperty("position").GetInt32().ShouldBe(channel.GetProperty("position").GetInt32());
        }
    }

    [Fact]
    public async Task AuditLog_RecordsEveryAdministrativeAction_WithActorTargetChangesAndReason()
    {
        var owner = await Server.RegisterAsync();
        var id = (await owner.CreateCommunityAsync("Audited")).Str("id");
        var member = await Server.AddMemberAsync(owner, id);
        var victim = await Server.AddMemberAsync(owner, id);
        var banned = await Server.AddMemberAsync(owner, id);
        var before = (await owner.AuditAsync(id)).Count;

        await owner.ExpectAsync(HttpMethod.Patch, $"/communities/{id}", """{"name":"Audited Too"}""", HttpStatusCode.OK);
        var channelId = (await owner.ExpectAsync(HttpMethod.Post, $"/communities/{id}/channels", """{"name":"logs","type":"text"}""", HttpStatusCode.Created)).Str("id");
        await owner.ExpectAsync(HttpMethod.Patch, $"/channels/{channelId}", """{"topic":"all of it"}""", HttpStatusCode.OK);
        await owner.ExpectAsync(HttpMethod.Put, $"/channels/{channelId}/overwrites/{id}", $$"""{"type":"role","allow":"0","deny":"{{CommunityTestApi.Bits(P.SendMessages)}}"}""", HttpStatusCode.OK);
        await owner.ExpectAsync(HttpMethod.Delete, $"/channels/{channelId}/overwrites/{id}", null, HttpStatusCode.OK);
        var roleId = await owner.CreateRoleAsync(id, "auditor", P.ViewAuditLog);
        await owner.ExpectAsync(HttpMethod.Patch, $"/communities/{id}/roles/{roleId}", """{"name":"auditors"}""", HttpStatusCode.OK);
        await owner.AssignRoleAsync(id, member.Id, roleId);
        await owner.ExpectAsync(HttpMethod.Delete, $"/communities/{id}/members/{member.Id}/roles/{roleId}", null, HttpStatusCode.OK);
        var code = await owner.CreateInviteAsync(id, maxUses: 3);
        await owner.ExpectAsync(HttpMethod.Delete, $"/invites/{code}", null, HttpStatusCode.NoContent);
        using (var kick = await CommunityTestApi.SendAsync(owner.Http, HttpMethod.Delete, $"/communities/{id}/members/{victim.Id}", null, new Dictionary<string, string> { ["X-Audit-Log-Reason"] = "rude" }))
        {
            await CommunityTestApi.ReadAsync(kick, HttpStatusCode.NoContent);
        }

        await owner.ExpectAsync(HttpMethod.Put, $"/communities/{id}/bans/{banned.Id}", """{"reason":"spam bot"}""", HttpStatusCode.NoContent);
        await owner.ExpectAsync(HttpMethod.Delete, $"/communities/{id}/bans/{banned.Id}", null, HttpStatusCode.NoContent);
        await owner.ExpectAsync(HttpMethod.Delete, $"/communities/{id}/roles/{roleId}", null, HttpStatusCode.NoContent);
        await owner.ExpectAsync(HttpMethod.Delete, $"/channels/{channelId}", null, HttpStatusCode.NoContent);

        var entries = (await owner.AuditAsync(id)).Skip(before).ToList();
        entries.Select(e => e.Str("action")).ShouldBe([
            "community.update", "channel.create", "channel.update", "overwrite.update", "overwrite.delete", "role.create", "role.update",
            "member.role_add", "member.role_remove", "invite.create", "invite.delete", "member.kick", "member.ban", "member.unban", "role.delete", "channel.delete"]);
        foreach (var entry in entries)
        {
            entry.ShouldHaveExactly(AuditFields);
            entry.ShouldBeId("id");
            entry.Str("communityId").ShouldBe(id);
            entry.Str("actorId").ShouldBe(owner.Id);
            entry.GetProperty("changes").ValueKind.ShouldBe(JsonValueKind.Object);
        }

        entries.Select(e => long.Parse(e.Str("id"), System.Globalization.CultureInfo.InvariantCulture)).ShouldBeInOrder(SortDirection.Ascending);
        JsonElement Entry(string action) => entries.Single(e => e.Str("action") == action);
        (string?, string?) Change(string action, string field) =>
            (Entry(action).GetProperty("changes").GetProperty(field).GetProperty("old").GetString(), Entry(action).GetProperty("changes").GetProperty(field).GetProperty("new").GetString());

        Change("community.update", "name").ShouldBe(("Audited", "Audited Too"));
        Entry("community.update").Str("targetId").ShouldBe(id);
        Entry("channel.create").Str("targetId").ShouldBe(channelId);
        Change("channel.create", "name").ShouldBe((null, "logs"));
        Change("channel.update", "topic").ShouldBe((null, "all of it"));
        Change("overwrite.update", "deny").ShouldBe((null, CommunityTestApi.Bits(P.SendMessages)));
        Change("overwrite.delete", "deny").ShouldBe((CommunityTestApi.Bits(P.SendMessages), null));
        Entry("role.create").Str("targetId").ShouldBe(roleId);
        Change("role.create", "permissions").ShouldBe((null, CommunityTestApi.Bits(P.ViewAuditLog)));
        Change("role.update", "name").ShouldBe(("auditor", "auditors"));
        Entry("member.role_add").Str("targetId").ShouldBe(member.Id);
        Change("member.role_add", "roleId").ShouldBe((null, roleId));
        Change("member.role_remove", "roleId").ShouldBe((roleId, null));
        Change("invite.create", "code").ShouldBe((null, code));
        Change("invite.delete", "code").ShouldBe((code, null));
        (Entry("member.kick").Str("targetId"), Entry("member.kick").Str("reason")).ShouldBe((victim.Id, "rude"));
        (Entry("member.ban").Str("targetId"), Entry("member.ban").Str("reason")).ShouldBe((banned.Id, "spam bot"));
        Entry("member.unban").Str("targetId").ShouldBe(banned.Id);
        Change("role.delete", "name").ShouldBe(("auditors", null));
        Change("channel.delete", "name").ShouldBe(("logs", null));
        Entry("channel.update").GetProperty("reason").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public async Task AuditLog_PagesWithBefore_OldestToNewest()
    {
        var owner = await Server.RegisterAsync();
        var id = (await owner.CreateCommunityAsync()).Str("id");
        for (var i = 0; i < 7; i++)
        {
            await owner.ExpectAsync(HttpMethod.Patch, $"/communities/{id}", $$"""{"description":"v{{i}}"}""", HttpStatusCode.OK);
        }

        var all = await owner.AuditAsync(id);
        all.Count.ShouldBe(7);
        all.Select(e => e.GetProperty("changes").GetProperty("description").GetProperty("new").GetString()).ShouldBe(Enumerable.Range(0, 7).Select(i => $"v{i}"));

        var newest = await owner.AuditAsync(id, limit: 3);
        newest.Select(e => e.Str("id")).ShouldBe(all.Skip(4).Select(e => e.Str("id")));
        var older = await owner.AuditAsync(id, limit: 3, before: newest[0].Str("id"));
        older.Select(e => e.Str("id")).ShouldBe(all.Skip(1).Take(3).Select(e => e.Str("id")));
        var oldest = await owner.AuditAsync(id, limit: 3, before: older[0].Str("id"));
        oldest.Select(e => e.Str("id")).ShouldBe([all[0].Str("id")]);
        (await owner.AuditAsync(id, limit: 3, before: all[0].Str("id"))).ShouldBeEmpty();
    }
}
