using System.Net;
using Chaos.Tests.Infrastructure;
using P = Chaos.Permissions.Permissions;

namespace Chaos.Tests.Communities;

/// <summary>
/// Every permission refusal of the community routes (missing_permission naming the bit, not_a_member, forbidden),
/// bans across invites, role hierarchy, and overwrites changing what a member sees.
/// </summary>
[Collection(CommunitiesServer.Name)]
public sealed class CommunityPermissionTests(ApiFixture fixture)
{
    private ChaosServer Server => fixture.Server;

    /// <summary>A community with an owner, a plain member (only @everyone), another member, a role, a channel and the owner's invite.</summary>
    private async Task<Setup> SetUpAsync()
    {
        var owner = await Server.RegisterAsync();
        var community = await owner.CreateCommunityAsync();
        var id = community.Str("id");
        var member = await Server.AddMemberAsync(owner, id);
        var other = await Server.AddMemberAsync(owner, id);
        var roleId = await owner.CreateRoleAsync(id, "ranked", P.None);
        var code = await owner.CreateInviteAsync(id);
        return new Setup(owner, member, other, id, community.ChannelIds()[0], roleId, code);
    }

    public static TheoryData<string, string, string, string?, string> GatedRoutes() => new()
    {
        { "patch community", "PATCH", "/communities/{id}", """{"name":"Taken Over"}""", "ManageCommunity" },
        { "create channel", "POST", "/communities/{id}/channels", """{"name":"mine","type":"text"}""", "ManageChannels" },
        { "patch channel", "PATCH", "/channels/{channel}", """{"name":"mine"}""", "ManageChannels" },
        { "delete channel", "DELETE", "/channels/{channel}", null, "ManageChannels" },
        { "put overwrite", "PUT", "/channels/{channel}/overwrites/{id}", """{"type":"role","allow":"0","deny":"2"}""", "ManageRoles" },
        { "delete overwrite", "DELETE", "/channels/{channel}/overwrites/{id}", null, "ManageRoles" },
        { "kick", "DELETE", "/communities/{id}/members/{other}", null, "KickMembers" },
        { "ban", "PUT", "/communities/{id}/bans/{other}", """{"reason":"no"}""", "BanMembers" },
        { "unban", "DELETE", "/communities/{id}/bans/{other}", null, "BanMembers" },
        { "list bans", "GET", "/communities/{id}/bans", null, "BanMembers" },
        { "list invites", "GET", "/communities/{id}/invites", null, "ManageCommunity" },
        { "revoke someone else's invite", "DELETE", "/invites/{code}", null, "ManageCommunity" },
        { "create role", "POST", "/communities/{id}/roles", """{"name":"mine"}""", "ManageRoles" },
        { "patch role", "PATCH", "/communities/{id}/roles/{role}", """{"name":"mine"}""", "ManageRoles" },
        { "delete role", "DELETE", "/communities/{id}/roles/{role}", null, "ManageRoles" },
        { "assign role", "PUT", "/communities/{id}/members/{other}/roles/{role}", null, "ManageRoles" },
        { "unassign role", "DELETE", "/communities/{id}/members/{other}/roles/{role}", null, "ManageRoles" },
        { "audit log", "GET", "/communities/{id}/audit-log", null, "ViewAuditLog" },
    };

    public static TheoryData<string, string, string?> MemberRoutes() => new()
    {
        { "GET", "/communities/{id}", null },
        { "PATCH", "/communities/{id}", """{"name":"Taken Over"}""" },
        { "DELETE", "/communities/{id}", null },
        { "POST", "/communities/{id}/channels", """{"name":"mine","type":"text"}""" },
        { "GET", "/channels/{channel}", null },
        { "PATCH", "/channels/{channel}", """{"name":"mine"}""" },
        { "DELETE", "/channels/{channel}", null },
        { "PUT", "/channels/{channel}/overwrites/{id}", """{"type":"role","allow":"0","deny":"0"}""" },
        { "GET", "/communities/{id}/members", null },
        { "GET", "/communities/{id}/members/{other}", null },
        { "DELETE", "/communities/{id}/members/@me", null },
        { "DELETE", "/communities/{id}/members/{other}", null },
        { "PUT", "/communities/{id}/bans/{other}", null },
        { "GET", "/communities/{id}/bans", null },
        { "POST", "/communities/{id}/invites", "{}" },
        { "GET", "/communities/{id}/invites", null },
        { "DELETE", "/invites/{code}", null },
        { "POST", "/communities/{id}/roles", """{"name":"mine"}""" },
        { "PATCH", "/communities/{id}/roles/{role}", """{"name":"mine"}""" },
        { "DELETE", "/communities/{id}/roles/{role}", null },
        { "PUT", "/communities/{id}/members/{other}/roles/{role}", null },
        { "GET", "/communities/{id}/audit-log", null },
    };

    [Theory]
    [MemberData(nameof(GatedRoutes))]
    public async Task GatedRoute_ForMemberWithoutThePermission_IsMissingPermissionNamingIt(string what, string method, string path, string? body, string permission)
    {
        var setup = await SetUpAsync();
        await setup.Owner.AssignRoleAsync(setup.Id, setup.Other.Id, setup.RoleId);
        var before = await SnapshotAsync(setup);

        var problem = await Problem.ExpectAsync(await setup.Member.SendAsync(new HttpMethod(method), setup.Fill(path), body), 403, "missing_permission");

        problem.Body.GetProperty("permission").GetString().ShouldBe(permission, what);
        (await SnapshotAsync(setup)).ShouldBe(before, $"{what} was refused, so nothing may have changed");
    }

    [Theory]
    [MemberData(nameof(GatedRoutes))]
    public async Task GatedRoute_WithThePermissionGranted_IsAllowed(string what, string method, string path, string? body, string permission)
    {
        var setup = await SetUpAsync();
        await setup.Owner.AssignRoleAsync(setup.Id, setup.Other.Id, setup.RoleId);
        await setup.Owner.ExpectAsync(HttpMethod.Put, $"/channels/{setup.ChannelId}/overwrites/{setup.Id}", """{"type":"role","allow":"0","deny":"0"}""", HttpStatusCode.OK);
        var granted = await setup.Owner.CreateRoleAsync(setup.Id, "granted", Enum.Parse<P>(permission), position: 2);
        await setup.Owner.AssignRoleAsync(setup.Id, setup.Member.Id, granted);
        if (what == "unban")
        {
            await setup.Owner.ExpectAsync(HttpMethod.Put, $"/communities/{setup.Id}/bans/{setup.Other.Id}", "{}", HttpStatusCode.NoContent);
        }

        using var response = await setup.Member.SendAsync(new HttpMethod(method), setup.Fill(path), body);
        var text = await response.Content.ReadAsStringAsync();

        ((int)response.StatusCode).ShouldBeInRange(200, 299, $"{what}: {text}");
    }

    [Fact]
    public async Task CreateInvite_WhenEveryoneLacksCreateInvites_IsMissingPermission()
    {
        var setup = await SetUpAsync();
        await setup.Owner.ExpectAsync(HttpMethod.Patch, $"/communities/{setup.Id}/roles/{setup.Id}", $$"""{"permissions":"{{CommunityTestApi.Bits(P.ViewChannel)}}"}""", HttpStatusCode.OK);
        var invitesBefore = (await setup.Owner.GetAsync($"/communities/{setup.Id}/invites")).GetArrayLength();

        var problem = await Problem.ExpectAsync(await setup.Member.SendAsync(HttpMethod.Post, $"/communities/{setup.Id}/invites", "{}"), 403, "missing_permission");

        problem.Body.GetProperty("permission").GetString().ShouldBe("CreateInvites");
        (await setup.Owner.GetAsync($"/communities/{setup.Id}/invites")).GetArrayLength().ShouldBe(invitesBefore);
    }

    [Fact]
    public async Task RevokeInvite_ByItsInviter_NeedsNoManageCommunity()
    {
        var setup = await SetUpAsync();
        var code = await setup.Member.CreateInviteAsync(setup.Id);

        await Problem.ExpectAsync(await setup.Other.SendAsync(HttpMethod.Delete, $"/invites/{code}"), 403, "missing_permission");
        await setup.Member.ExpectAsync(HttpMethod.Delete, $"/invites/{code}", null, HttpStatusCode.NoContent);

        await Problem.ExpectAsync(await setup.Other.SendAsync(HttpMethod.Post, $"/invites/{code}"), 404, "invite_invalid");
    }

    [Theory]
    [MemberData(nameof(MemberRoutes))]
    public async Task CommunityRoute_ForNonMember_IsNotAMember(string method, string path, string? body)
    {
        var setup = await SetUpAsync();
        var outsider = await Server.RegisterAsync();
        var before = await SnapshotAsync(setup);

        await Problem.ExpectAsync(await outsider.SendAsync(new HttpMethod(method), setup.Fill(path), body), 403, "not_a_member");

        (await SnapshotAsync(setup)).ShouldBe(before);
    }

    [Fact]
    public async Task DeleteCommunity_ByAnAdministratorWhoIsNotOwner_IsForbidden()
    {
        var setup = await SetUpAsync();
        var admin = await Server.AddMemberWithRoleAsync(setup.Owner, setup.Id, P.Administrator);

        await Problem.ExpectAsync(await admin.User.SendAsync(HttpMethod.Delete, $"/communities/{setup.Id}"), 403, "forbidden");
        await Problem.ExpectAsync(await setup.Member.SendAsync(HttpMethod.Delete, $"/communities/{setup.Id}"), 403, "forbidden");

        (await setup.Member.GetAsync($"/communities/{setup.Id}")).Str("id").ShouldBe(setup.Id);
    }

    [Fact]
    public async Task BannedUser_CannotRejoinThroughAnyInvite_UntilUnbanned()
    {
        var setup = await SetUpAsync();
        var oldCode = await setup.Member.CreateInviteAsync(setup.Id);
        await setup.Owner.ExpectAsync(HttpMethod.Put, $"/communities/{setup.Id}/bans/{setup.Member.Id}", """{"reason":"raid"}""", HttpStatusCode.NoContent);
        var newCode = await setup.Other.CreateInviteAsync(setup.Id, maxUses: 0, maxAgeSeconds: 0);
        var countBefore = (await setup.Owner.GetAsync($"/communities/{setup.Id}")).GetProperty("memberCount").GetInt32();
        var usesBefore = (await setup.Owner.GetAsync($"/communities/{setup.Id}/invites")).ToString();

        foreach (var code in new[] { setup.Code, oldCode, newCode })
        {
            await Problem.ExpectAsync(await setup.Member.SendAsync(HttpMethod.Post, $"/invites/{code}"), 403, "banned");
        }

        await Problem.ExpectAsync(await setup.Member.SendAsync(HttpMethod.Get, $"/communities/{setup.Id}"), 403, "not_a_member");
        (await setup.Owner.GetAsync($"/communities/{setup.Id}")).GetProperty("memberCount").GetInt32().ShouldBe(countBefore);
        (await setup.Owner.GetAsync($"/communities/{setup.Id}/invites")).ToString().ShouldBe(usesBefore, "a refused join consumes no use");

        await setup.Owner.ExpectAsync(HttpMethod.Delete, $"/communities/{setup.Id}/bans/{setup.Member.Id}", null, HttpStatusCode.NoContent);

        (await setup.Member.AcceptAsync(newCode)).GetProperty("memberCount").GetInt32().ShouldBe(countBefore + 1);
    }

    [Fact]
    public async Task Moderator_CannotKickBanOrAssignRolesAtOrAboveTheirOwnHighestRole()
    {
        var h = await HierarchyAsync();

        foreach (var target in new[] { h.Peer, h.High, h.Owner })
        {
            await Problem.ExpectAsync(await h.Mod.SendAsync(HttpMethod.Delete, $"/communities/{h.Id}/members/{target.Id}"), 403, "forbidden");
            await Problem.ExpectAsync(await h.Mod.SendAsync(HttpMethod.Put, $"/communities/{h.Id}/bans/{target.Id}", "{}"), 403, "forbidden");
        }

        await Problem.ExpectAsync(await h.Mod.SendAsync(HttpMethod.Put, $"/communities/{h.Id}/members/{h.Plain.Id}/roles/{h.ModRole}"), 403, "forbidden");
        await Problem.ExpectAsync(await h.Mod.SendAsync(HttpMethod.Put, $"/communities/{h.Id}/members/{h.Plain.Id}/roles/{h.HighRole}"), 403, "forbidden");
        await Problem.ExpectAsync(await h.Mod.SendAsync(HttpMethod.Delete, $"/communities/{h.Id}/members/{h.Peer.Id}/roles/{h.ModRole}"), 403, "forbidden");
        await Problem.ExpectAsync(await h.Mod.SendAsync(HttpMethod.Put, $"/communities/{h.Id}/members/{h.Peer.Id}/roles/{h.LowRole}"), 403, "forbidden");

        // Nothing happened to anyone above.
        var members = (await h.Owner.GetAsync($"/communities/{h.Id}/members")).EnumerateArray().Select(m => m.GetProperty("user").Str("id")).ToList();
        members.ShouldContain(h.Peer.Id);
        members.ShouldContain(h.High.Id);
        (await h.Owner.GetAsync($"/communities/{h.Id}/bans")).GetArrayLength().ShouldBe(0);
        (await h.Owner.GetAsync($"/communities/{h.Id}/members/{h.Plain.Id}")).GetProperty("roleIds").GetArrayLength().ShouldBe(0);
        (await h.Owner.GetAsync($"/communities/{h.Id}/members/{h.Peer.Id}")).Items("roleIds").Select(r => r.GetString()).ShouldBe([h.ModRole]);

        // Strictly below is allowed.
        await h.Mod.AssignRoleAsync(h.Id, h.Plain.Id, h.LowRole);
        await h.Mod.ExpectAsync(HttpMethod.Delete, $"/communities/{h.Id}/members/{h.Low.Id}", null, HttpStatusCode.NoContent);
        await h.Mod.ExpectAsync(HttpMethod.Put, $"/communities/{h.Id}/bans/{h.Plain.Id}", "{}", HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task Moderator_CannotEditOrDeleteRolesAtOrAboveTheirs_NorGrantPermissionsTheyLack()
    {
        var h = await HierarchyAsync();

        foreach (var role in new[] { h.ModRole, h.HighRole })
        {
            await Problem.ExpectAsync(await h.Mod.SendAsync(HttpMethod.Patch, $"/communities/{h.Id}/roles/{role}", """{"name":"hijacked"}"""), 403, "forbidden");
            await Problem.ExpectAsync(await h.Mod.SendAsync(HttpMethod.Delete, $"/communities/{h.Id}/roles/{role}"), 403, "forbidden");
        }

        await Problem.ExpectAsync(await h.Mod.SendAsync(HttpMethod.Patch, $"/communities/{h.Id}/roles/{h.LowRole}", """{"position":3}"""), 403, "forbidden");
        await Problem.ExpectAsync(await h.Mod.SendAsync(HttpMethod.Post, $"/communities/{h.Id}/roles", """{"name":"above","position":2}"""), 403, "forbidden");

        var admin = await Problem.ExpectAsync(await h.Mod.SendAsync(HttpMethod.Post, $"/communities/{h.Id}/roles", $$"""{"name":"admin","permissions":"{{CommunityTestApi.Bits(P.Administrator)}}"}"""), 403, "missing_permission");
        admin.Body.GetProperty("permission").GetString().ShouldBe("Administrator");
        var manage = await Problem.ExpectAsync(await h.Mod.SendAsync(HttpMethod.Patch, $"/communities/{h.Id}/roles/{h.LowRole}", $$"""{"permissions":"{{CommunityTestApi.Bits(P.ManageCommunity | P.KickMembers)}}"}"""), 403, "missing_permission");
        manage.Body.GetProperty("permission").GetString().ShouldBe("ManageCommunity");
        var everyone = await Problem.ExpectAsync(await h.Mod.SendAsync(HttpMethod.Patch, $"/communities/{h.Id}/roles/{h.Id}", $$"""{"permissions":"{{CommunityTestApi.Bits(P.ViewAuditLog)}}"}"""), 403, "missing_permission");
        everyone.Body.GetProperty("permission").GetString().ShouldBe("ViewAuditLog");
        var overwrite = await Problem.ExpectAsync(await h.Mod.SendAsync(HttpMethod.Put, $"/channels/{h.ChannelId}/overwrites/{h.Plain.Id}", $$"""{"type":"member","allow":"{{CommunityTestApi.Bits(P.ManageCommunity)}}","deny":"0"}"""), 403, "missing_permission");
        overwrite.Body.GetProperty("permission").GetString().ShouldBe("ManageCommunity");
        var deny = await Problem.ExpectAsync(await h.Mod.SendAsync(HttpMethod.Put, $"/channels/{h.ChannelId}/overwrites/{h.Id}", $$"""{"type":"role","allow":"0","deny":"{{CommunityTestApi.Bits(P.ManageMessages)}}"}"""), 403, "missing_permission");
        deny.Body.GetProperty("permission").GetString().ShouldBe("ManageMessages");

        var community = await h.Owner.GetAsync($"/communities/{h.Id}");
        community.Items("roles").Select(r => r.Str("name")).ShouldBe(["@everyone", "low", "mod", "high"]);
        community.Items("roles").Single(r => r.Str("name") == "low").Str("permissions").ShouldBe("0");
        community.Items("channels")[0].GetProperty("overwrites").GetArrayLength().ShouldBe(0);

        // Within their own rights and strictly below, they may.
        var patched = await h.Mod.ExpectAsync(HttpMethod.Patch, $"/communities/{h.Id}/roles/{h.LowRole}", $$"""{"name":"lower","permissions":"{{CommunityTestApi.Bits(P.KickMembers)}}"}""", HttpStatusCode.OK);
        patched.Str("permissions").ShouldBe(CommunityTestApi.Bits(P.KickMembers));
        await h.Mod.ExpectAsync(HttpMethod.Delete, $"/communities/{h.Id}/roles/{h.LowRole}", null, HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task NobodyCanKickOrBanTheOwner_AndTheOwnerCannotLeave()
    {
        var setup = await SetUpAsync();
        var admin = await Server.AddMemberWithRoleAsync(setup.Owner, setup.Id, P.Administrator);

        await Problem.ExpectAsync(await admin.User.SendAsync(HttpMethod.Delete, $"/communities/{setup.Id}/members/{setup.Owner.Id}"), 403, "forbidden");
        await Problem.ExpectAsync(await admin.User.SendAsync(HttpMethod.Put, $"/communities/{setup.Id}/bans/{setup.Owner.Id}", "{}"), 403, "forbidden");
        await Problem.ExpectAsync(await setup.Owner.SendAsync(HttpMethod.Delete, $"/communities/{setup.Id}/members/@me"), 403, "forbidden");

        var community = await setup.Owner.GetAsync($"/communities/{setup.Id}");
        community.Str("ownerId").ShouldBe(setup.Owner.Id);
        (await setup.Owner.GetAsync($"/communities/{setup.Id}/bans")).GetArrayLength().ShouldBe(0);
        (await setup.Owner.GetAsync($"/communities/{setup.Id}/members/{setup.Owner.Id}")).GetProperty("user").Str("id").ShouldBe(setup.Owner.Id);
    }

    [Fact]
    public async Task DenyingViewChannelToEveryone_HidesTheChannel_AndAMemberOverwriteBringsItBack()
    {
        var setup = await SetUpAsync();
        var secret = (await setup.Owner.ExpectAsync(HttpMethod.Post, $"/communities/{setup.Id}/channels", """{"name":"secret","type":"text"}""", HttpStatusCode.Created)).Str("id");
        (await setup.Member.GetAsync($"/communities/{setup.Id}")).ChannelIds().ShouldContain(secret);

        await setup.Owner.ExpectAsync(HttpMethod.Put, $"/channels/{secret}/overwrites/{setup.Id}", $$"""{"type":"role","allow":"0","deny":"{{CommunityTestApi.Bits(P.ViewChannel)}}"}""", HttpStatusCode.OK);

        (await setup.Member.GetAsync($"/communities/{setup.Id}")).ChannelIds().ShouldNotContain(secret);
        (await setup.Member.GetAsync($"/communities/{setup.Id}")).ChannelIds().Count.ShouldBe(2);
        var problem = await Problem.ExpectAsync(await setup.Member.SendAsync(HttpMethod.Get, $"/channels/{secret}"), 403, "missing_permission");
        problem.Body.GetProperty("permission").GetString().ShouldBe("ViewChannel");
        (await setup.Owner.GetAsync($"/communities/{setup.Id}")).ChannelIds().ShouldContain(secret);
        (await setup.Member.GetAsync("/users/@me/communities")).EnumerateArray().Single().ChannelIds().ShouldNotContain(secret);

        await setup.Owner.ExpectAsync(HttpMethod.Put, $"/channels/{secret}/overwrites/{setup.Member.Id}", $$"""{"type":"member","allow":"{{CommunityTestApi.Bits(P.ViewChannel)}}","deny":"0"}""", HttpStatusCode.OK);

        (await setup.Member.GetAsync($"/communities/{setup.Id}")).ChannelIds().ShouldContain(secret);
        (await setup.Member.GetAsync($"/channels/{secret}")).Str("id").ShouldBe(secret);
        (await setup.Other.GetAsync($"/communities/{setup.Id}")).ChannelIds().ShouldNotContain(secret);
        await Problem.ExpectAsync(await setup.Other.SendAsync(HttpMethod.Get, $"/channels/{secret}"), 403, "missing_permission");
    }

    /// <summary>Roles low (1) &lt; mod (2) &lt; high (3); Mod holds mod (Kick, Ban, ManageRoles, ManageChannels), Peer holds mod too.</summary>
    private async Task<Hierarchy> HierarchyAsync()
    {
        var owner = await Server.RegisterAsync();
        var community = await owner.CreateCommunityAsync();
        var id = community.Str("id");
        var lowRole = await owner.CreateRoleAsync(id, "low", P.None, position: 1);
        var modRole = await owner.CreateRoleAsync(id, "mod", P.KickMembers | P.BanMembers | P.ManageRoles | P.ManageChannels, position: 2);
        var highRole = await owner.CreateRoleAsync(id, "high", P.None, position: 3);
        var positions = (await owner.GetAsync($"/communities/{id}")).Items("roles").ToDictionary(r => r.Str("id"), r => r.GetProperty("position").GetInt32());
        (positions[lowRole], positions[modRole], positions[highRole]).ShouldBe((1, 2, 3));

        var mod = await Server.AddMemberAsync(owner, id);
        var peer = await Server.AddMemberAsync(owner, id);
        var high = await Server.AddMemberAsync(owner, id);
        var low = await Server.AddMemberAsync(owner, id);
        var plain = await Server.AddMemberAsync(owner, id);
        await owner.AssignRoleAsync(id, mod.Id, modRole);
        await owner.AssignRoleAsync(id, peer.Id, modRole);
        await owner.AssignRoleAsync(id, high.Id, highRole);
        await owner.AssignRoleAsync(id, low.Id, lowRole);
        return new Hierarchy(owner, mod, peer, high, low, plain, id, community.ChannelIds()[0], lowRole, modRole, highRole);
    }

    /// <summary>What a refused request must leave untouched: the community, its members, bans, invites and audit log.</summary>
    private static async Task<string> SnapshotAsync(Setup setup) => string.Join(
        "\n",
        await setup.Owner.GetAsync($"/communities/{setup.Id}"),
        await setup.Owner.GetAsync($"/communities/{setup.Id}/members"),
        await setup.Owner.GetAsync($"/communities/{setup.Id}/bans"),
        await setup.Owner.GetAsync($"/communities/{setup.Id}/invites"),
        await setup.Owner.GetAsync($"/communities/{setup.Id}/audit-log"));

    private sealed record Setup(TestUser Owner, TestUser Member, TestUser Other, string Id, string ChannelId, string RoleId, string Code)
    {
        public string Fill(string path) => path
            .Replace("{id}", Id, StringComparison.Ordinal)
            .Replace("{channel}", ChannelId, StringComparison.Ordinal)
            .Replace("{other}", Other.Id, StringComparison.Ordinal)
            .Replace("{role}", RoleId, StringComparison.Ordinal)
            .Replace("{code}", Code, StringComparison.Ordinal);
    }

    private sealed record Hierarchy(
        TestUser Owner, TestUser Mod, TestUser Peer, TestUser High, TestUser Low, TestUser Plain, string Id, string ChannelId, string LowRole, string ModRole, string HighRole);
}
