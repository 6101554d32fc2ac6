using System.Net;
using System.Runtime.CompilerServices;
using Chaos.Tests.Infrastructure;
using P = Chaos.Permissions.Permissions;

namespace Chaos.Tests.Communities;

/// <summary>
/// Hostile requests against the community routes: other communities' ids, huge and control-character text, invalid
/// enums and bitfields, bad ids and limits, extra fields. Each gets its documented 4xx problem with a stable code, and
/// nothing is half-written: both communities, their members and audit logs, and the owner's list are unchanged.
/// </summary>
[Collection(InvitesServer.Name)]
public sealed class CommunityHostileInputTests(ApiFixture fixture)
{
    private const string V = "validation_failed";
    private static readonly string Huge = new('x', 10_000);
    private static readonly string Undefined63 = "9223372036854775808";

    private static readonly Dictionary<string, HostileCase> Cases = new HostileCase[]
    {
        // Other communities' roles, channels and members used in A's routes.
        new("patch B's role through A", "PATCH", "/communities/{A}/roles/{RB}", """{"name":"stolen"}""", 404, "not_found"),
        new("patch B's @everyone through A", "PATCH", "/communities/{A}/roles/{B}", """{"permissions":"0"}""", 404, "not_found"),
        new("delete B's role through A", "DELETE", "/communities/{A}/roles/{RB}", null, 404, "not_found"),
        new("assign B's role in A", "PUT", "/communities/{A}/members/{M}/roles/{RB}", null, 404, "not_found"),
        new("unassign B's role in A", "DELETE", "/communities/{A}/members/{M}/roles/{RB}", null, 404, "not_found"),
        new("overwrite on A's channel for B's role", "PUT", "/channels/{CA}/overwrites/{RB}", """{"type":"role","allow":"0","deny":"2"}""", 404, "not_found"),
        new("overwrite on A's channel for B's @everyone", "PUT", "/channels/{CA}/overwrites/{B}", """{"type":"role","allow":"0","deny":"2"}""", 404, "not_found"),
        new("overwrite on A's channel for B's member", "PUT", "/channels/{CA}/overwrites/{X}", """{"type":"member","allow":"0","deny":"2"}""", 404, "not_found"),
        new("overwrite naming A's role as a member", "PUT", "/channels/{CA}/overwrites/{RA}", """{"type":"member","allow":"0","deny":"2"}""", 404, "not_found"),
        new("get B's member through A", "GET", "/communities/{A}/members/{X}", null, 404, "not_found"),
        new("kick B's member through A", "DELETE", "/communities/{A}/members/{X}", null, 404, "not_found"),
        new("assign A's role to B's member", "PUT", "/communities/{A}/members/{X}/roles/{RA}", null, 404, "not_found"),
        new("unban someone never banned", "DELETE", "/communities/{A}/bans/{X}", null, 404, "not_found"),
        new("ban an unknown user", "PUT", "/communities/{A}/bans/123456789012345", "{}", 404, "not_found"),
        new("unknown community", "GET", "/communities/123456789012345", null, 404, "not_found"),
        new("unknown channel", "GET", "/channels/123456789012345", null, 404, "not_found"),
        new("patch unknown channel", "PATCH", "/channels/123456789012345", """{"name":"x"}""", 404, "not_found"),
        new("remove @everyone from a member", "DELETE", "/communities/{A}/members/{M}/roles/{A}", null, 400, V),
        new("delete @everyone", "DELETE", "/communities/{A}/roles/{A}", null, 403, "forbidden"),
        new("rename @everyone", "PATCH", "/communities/{A}/roles/{A}", """{"name":"everybody"}""", 400, V),

        // Communities.
        new("create: 10k name", "POST", "/communities", $$"""{"name":"{{Huge}}"}""", 400, V),
        new("create: 1-char name", "POST", "/communities", """{"name":"x"}""", 400, V),
        new("create: blank name", "POST", "/communities", """{"name":"     "}""", 400, V),
        new("create: missing name", "POST", "/communities", """{"description":"no name"}""", 400, V),
        new("create: name with bell", "POST", "/communities", """{"name":"ding\u0007dong"}""", 400, V),
        new("create: name with NUL", "POST", "/communities", """{"name":"nul\u0000name"}""", 400, V),
        new("create: name with newline", "POST", "/communities", """{"name":"two\nlines"}""", 400, V),
        new("create: name lone surrogate", "POST", "/communities", """{"name":"bad\ud800x"}""", 400, V),
        new("create: name is a number", "POST", "/communities", """{"name":12345}""", 400, V),
        new("create: 10k description", "POST", "/communities", $$"""{"name":"fine","description":"{{Huge}}"}""", 400, V),
        new("create: extra field ownerId", "POST", "/communities", """{"name":"fine","ownerId":"1"}""", 400, V),
        new("create: JSON null", "POST", "/communities", "null", 400, V),
        new("create: not JSON", "POST", "/communities", "name=fine", 400, V),
        new("patch: 10k name", "PATCH", "/communities/{A}", $$"""{"name":"{{Huge}}"}""", 400, V),
        new("patch: escape character in description", "PATCH", "/communities/{A}", """{"description":"\u001b[31mred"}""", 400, V),
        new("patch: extra field memberCount", "PATCH", "/communities/{A}", """{"memberCount":1000000}""", 400, V),

        // Channels.
        new("channel: type dm", "POST", "/communities/{A}/channels", """{"name":"dm","type":"dm"}""", 400, V),
        new("channel: type group", "POST", "/communities/{A}/channels", """{"name":"grp","type":"group"}""", 400, V),
        new("channel: type banana", "POST", "/communities/{A}/channels", """{"name":"fruit","type":"banana"}""", 400, V),
        new("channel: type in upper case", "POST", "/communities/{A}/channels", """{"name":"loud","type":"TEXT"}""", 400, V),
        new("overwrite: type in title case", "PUT", "/channels/{CA}/overwrites/{A}", """{"type":"Role","allow":"0","deny":"0"}""", 400, V),
        new("channel: type as number", "POST", "/communities/{A}/channels", """{"name":"num","type":1}""", 400, V),
        new("channel: missing type", "POST", "/communities/{A}/channels", """{"name":"typeless"}""", 400, V),
        new("channel: 10k name", "POST", "/communities/{A}/channels", $$"""{"name":"{{Huge}}","type":"text"}""", 400, V),
        new("channel: empty name", "POST", "/communities/{A}/channels", """{"name":"","type":"text"}""", 400, V),
        new("channel: name with tab", "POST", "/communities/{A}/channels", """{"name":"a\tb","type":"text"}""", 400, V),
        new("channel: name with DEL", "POST", "/communities/{A}/channels", """{"name":"a\u007fb","type":"text"}""", 400, V),
        new("channel: 10k topic", "POST", "/communities/{A}/channels", $$"""{"name":"t","type":"text","topic":"{{Huge}}"}""", 400, V),
        new("channel: negative position", "POST", "/communities/{A}/channels", """{"name":"neg","type":"text","position":-1}""", 400, V),
        new("channel: position as string", "POST", "/communities/{A}/channels", """{"name":"str","type":"text","position":"1"}""", 400, V),
        new("channel: overflowing position", "POST", "/communities/{A}/channels", """{"name":"big","type":"text","position":99999999999}""", 400, V),
        new("channel: extra field communityId", "POST", "/communities/{A}/channels", """{"name":"x","type":"text","communityId":"{B}"}""", 400, V),
        new("channel patch: change type", "PATCH", "/channels/{CA}", """{"type":"voice"}""", 400, V),
        new("channel patch: 10k name", "PATCH", "/channels/{CA}", $$"""{"name":"{{Huge}}"}""", 400, V),
        new("channel patch: negative position", "PATCH", "/channels/{CA}", """{"position":-3}""", 400, V),
        new("channel patch: extra field overwrites", "PATCH", "/channels/{CA}", """{"overwrites":[]}""", 400, V),

        // Overwrites.
        new("overwrite: allow -1", "PUT", "/channels/{CA}/overwrites/{A}", """{"type":"role","allow":"-1","deny":"0"}""", 400, V),
        new("overwrite: allow 2^64", "PUT", "/channels/{CA}/overwrites/{A}", """{"type":"role","allow":"18446744073709551616","deny":"0"}""", 400, V),
        new("overwrite: deny with undefined bit 63", "PUT", "/channels/{CA}/overwrites/{A}", $$"""{"type":"role","allow":"0","deny":"{{Undefined63}}"}""", 400, V),
        new("overwrite: allow as number", "PUT", "/channels/{CA}/overwrites/{A}", """{"type":"role","allow":2,"deny":"0"}""", 400, V),
        new("overwrite: allow hex", "PUT", "/channels/{CA}/overwrites/{A}", """{"type":"role","allow":"0x2","deny":"0"}""", 400, V),
        new("overwrite: allow with spaces", "PUT", "/channels/{CA}/overwrites/{A}", """{"type":"role","allow":" 2 ","deny":"0"}""", 400, V),
        new("overwrite: allow Administrator", "PUT", "/channels/{CA}/overwrites/{A}", """{"type":"role","allow":"1","deny":"0"}""", 400, V),
        new("overwrite: type banana", "PUT", "/channels/{CA}/overwrites/{A}", """{"type":"banana","allow":"0","deny":"0"}""", 400, V),
        new("overwrite: type as number", "PUT", "/channels/{CA}/overwrites/{A}", """{"type":0,"allow":"0","deny":"0"}""", 400, V),
        new("overwrite: missing type", "PUT", "/channels/{CA}/overwrites/{A}", """{"allow":"0","deny":"0"}""", 400, V),
        new("overwrite: extra field", "PUT", "/channels/{CA}/overwrites/{A}", """{"type":"role","allow":"0","deny":"0","id":"1"}""", 400, V),
        new("overwrite: non-numeric target", "PUT", "/channels/{CA}/overwrites/abc", """{"type":"role","allow":"0","deny":"0"}""", 400, V),

        // Roles.
        new("role: permissions -1", "POST", "/communities/{A}/roles", """{"name":"r","permissions":"-1"}""", 400, V),
        new("role: permissions 2^64", "POST", "/communities/{A}/roles", """{"name":"r","permissions":"18446744073709551616"}""", 400, V),
        new("role: permissions with undefined bit 63", "POST", "/communities/{A}/roles", $$"""{"name":"r","permissions":"{{Undefined63}}"}""", 400, V),
        new("role: permissions with undefined bit 40", "POST", "/communities/{A}/roles", """{"name":"r","permissions":"1099511627776"}""", 400, V),
        new("role: permissions as number", "POST", "/communities/{A}/roles", """{"name":"r","permissions":8}""", 400, V),
        new("role: permissions empty string", "POST", "/communities/{A}/roles", """{"name":"r","permissions":""}""", 400, V),
        new("role: 10k name", "POST", "/communities/{A}/roles", $$"""{"name":"{{Huge}}"}""", 400, V),
        new("role: name with bell", "POST", "/communities/{A}/roles", """{"name":"a\u0007"}""", 400, V),
        new("role: color -1", "POST", "/communities/{A}/roles", """{"name":"r","color":-1}""", 400, V),
        new("role: color 2^24", "POST", "/communities/{A}/roles", """{"name":"r","color":16777216}""", 400, V),
        new("role: mentionable as string", "POST", "/communities/{A}/roles", """{"name":"r","mentionable":"yes"}""", 400, V),
        new("role: extra field id", "POST", "/communities/{A}/roles", """{"name":"r","id":"{A}"}""", 400, V),
        new("role patch: permissions -1", "PATCH", "/communities/{A}/roles/{RA}", """{"permissions":"-1"}""", 400, V),
        new("role patch: undefined bits on @everyone", "PATCH", "/communities/{A}/roles/{A}", $$"""{"permissions":"{{Undefined63}}"}""", 400, V),

        // Ids in routes.
        new("community id abc", "GET", "/communities/abc", null, 400, V),
        new("community id negative", "GET", "/communities/-5", null, 400, V),
        new("community id zero", "GET", "/communities/0", null, 400, V),
        new("community id overflowing", "GET", "/communities/99999999999999999999", null, 400, V),
        new("community id with plus", "GET", "/communities/+5", null, 400, V),
        new("channel id abc", "GET", "/channels/abc", null, 400, V),
        new("channel id zero", "DELETE", "/channels/0", null, 400, V),
        new("member id abc", "GET", "/communities/{A}/members/abc", null, 400, V),
        new("kick id negative", "DELETE", "/communities/{A}/members/-1", null, 400, V),
        new("role id abc", "DELETE", "/communities/{A}/roles/abc", null, 400, V),
        new("member role id negative", "PUT", "/communities/{A}/members/{M}/roles/-1", null, 400, V),
        new("ban id 1e5", "PUT", "/communities/{A}/bans/1e5", "{}", 400, V),

        // Pagination.
        new("members limit 0", "GET", "/communities/{A}/members?limit=0", null, 400, V),
        new("members limit 101", "GET", "/communities/{A}/members?limit=101", null, 400, V),
        new("members limit -5", "GET", "/communities/{A}/members?limit=-5", null, 400, V),
        new("members limit abc", "GET", "/communities/{A}/members?limit=abc", null, 400, V),
        new("members after abc", "GET", "/communities/{A}/members?after=abc", null, 400, V),
        new("members after -1", "GET", "/communities/{A}/members?after=-1", null, 400, V),
        new("audit limit 0", "GET", "/communities/{A}/audit-log?limit=0", null, 400, V),
        new("audit limit 101", "GET", "/communities/{A}/audit-log?limit=101", null, 400, V),
        new("audit limit abc", "GET", "/communities/{A}/audit-log?limit=abc", null, 400, V),
        new("audit before abc", "GET", "/communities/{A}/audit-log?before=abc", null, 400, V),
        new("audit before zero", "GET", "/communities/{A}/audit-log?before=0", null, 400, V),

        // Moderation and invites.
        new("ban: 10k reason", "PUT", "/communities/{A}/bans/{M}", $$"""{"reason":"{{Huge}}"}""", 400, V),
        new("ban: reason with escape character", "PUT", "/communities/{A}/bans/{M}", """{"reason":"\u001b[2J"}""", 400, V),
        new("ban: extra field", "PUT", "/communities/{A}/bans/{M}", """{"reason":"x","deleteMessages":true}""", 400, V),
        new("ban: reason as number", "PUT", "/communities/{A}/bans/{M}", """{"reason":5}""", 400, V),
        new("invite: maxUses as string", "POST", "/communities/{A}/invites", """{"maxUses":"5"}""", 400, V),
        new("invite: maxUses fractional", "POST", "/communities/{A}/invites", """{"maxUses":1.5}""", 400, V),
        new("invite: extra field code", "POST", "/communities/{A}/invites", """{"code":"AAAAAAAAAA"}""", 400, V),
    }.ToDictionary(c => c.Name);

    /// <summary>
    /// The hostile cases share one world per server: each is refused and asserts that nothing changed, so the next case
    /// finds the world as the first one did (building a world costs three registrations and eight writes per case).
    /// </summary>
    private static readonly ConditionalWeakTable<ChaosServer, Task<World>> SharedWorlds = new();

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Fact]
    public void ThereAreAtLeastOneHundredHostileCases() => Cases.Count.ShouldBeGreaterThanOrEqualTo(100);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task HostileRequest_GetsItsDocumentedProblem_AndChangesNothing(string caseName)
    {
        var hostile = Cases[caseName];
        var world = await SharedWorlds.GetValue(fixture.Server, _ => WorldAsync());
        var before = await world.SnapshotAsync();

        using var response = await world.Owner.SendAsync(new HttpMethod(hostile.Method), world.Fill(hostile.Path), hostile.Body is null ? null : world.Fill(hostile.Body));

        await Problem.ExpectAsync(response, hostile.Status, hostile.Code);
        (await world.SnapshotAsync()).ShouldBe(before, $"{caseName} was refused, so nothing may have changed");
    }

    [Fact]
    public async Task KickWithAHugeOrControlCharacterReasonHeader_IsValidationFailed_AndKicksNobody()
    {
        var world = await WorldAsync();
        var before = await world.SnapshotAsync();

        foreach (var reason in new[] { new string('r', 600), "bell\u0007" })
        {
            using var response = await CommunityTestApi.SendAsync(world.Owner.Http, HttpMethod.Delete, $"/communities/{world.A}/members/{world.Member.Id}", null, new Dictionary<string, string> { ["X-Audit-Log-Reason"] = reason });
            await Problem.ExpectAsync(response, 400, V);
        }

        (await world.SnapshotAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task CrossCommunityRole_OfAnotherOwner_CannotBeTouchedEither()
    {
        var world = await WorldAsync();
        var stranger = await fixture.Server.RegisterAsync();
        var foreign = (await stranger.CreateCommunityAsync("Foreign")).Str("id");
        var foreignRole = await stranger.CreateRoleAsync(foreign, "theirs", P.None);
        var before = await stranger.GetAsync($"/communities/{foreign}");

        await Problem.ExpectAsync(await world.Owner.SendAsync(HttpMethod.Patch, $"/communities/{world.A}/roles/{foreignRole}", $$"""{"permissions":"{{CommunityTestApi.Bits(P.ViewChannel)}}"}"""), 404, "not_found");
        await Problem.ExpectAsync(await world.Owner.SendAsync(HttpMethod.Delete, $"/communities/{world.A}/roles/{foreignRole}"), 404, "not_found");
        await Problem.ExpectAsync(await world.Owner.SendAsync(HttpMethod.Patch, $"/communities/{foreign}/roles/{foreignRole}", """{"name":"mine"}"""), 403, "not_a_member");

        (await stranger.GetAsync($"/communities/{foreign}")).ToString().ShouldBe(before.ToString());
    }

    [Fact]
    public async Task CreateCommunity_BeyondTwoHundredMemberships_IsRefused_AndCreatesNothing()
    {
        var user = await fixture.Server.RegisterAsync();
        for (var i = 0; i < 200; i++)
        {
            await user.CreateCommunityAsync($"Hall {i}");
        }

        await Problem.ExpectAsync(await user.SendAsync(HttpMethod.Post, "/communities", """{"name":"One too many"}"""), 403, "forbidden");
        var owner = await fixture.Server.RegisterAsync();
        var other = (await owner.CreateCommunityAsync()).Str("id");
        var code = await owner.CreateInviteAsync(other);
        await Problem.ExpectAsync(await user.SendAsync(HttpMethod.Post, $"/invites/{code}"), 403, "forbidden");

        (await user.GetAsync("/users/@me/communities")).GetArrayLength().ShouldBe(200);
        (await owner.GetAsync($"/communities/{other}")).GetProperty("memberCount").GetInt32().ShouldBe(1);
    }

    /// <summary>Owner of A and B; Member in A only; Outsider (X) in B only; a role in each.</summary>
    private async Task<World> WorldAsync()
    {
        var server = fixture.Server;
        var owner = await server.RegisterAsync();
        var a = await owner.CreateCommunityAsync("Alpha");
        var b = await owner.CreateCommunityAsync("Beta");
        var member = await server.AddMemberAsync(owner, a.Str("id"));
        var outsider = await server.AddMemberAsync(owner, b.Str("id"));
        var roleA = await owner.CreateRoleAsync(a.Str("id"), "alpha role", P.None);
        var roleB = await owner.CreateRoleAsync(b.Str("id"), "beta role", P.KickMembers);
        return new World(owner, member, outsider, a.Str("id"), b.Str("id"), a.ChannelIds()[0], roleA, roleB);
    }

    private sealed record HostileCase(string Name, string Method, string Path, string? Body, int Status, string Code);

    private sealed record World(TestUser Owner, TestUser Member, TestUser Outsider, string A, string B, string ChannelA, string RoleA, string RoleB)
    {
        public string Fill(string text) => text
            .Replace("{A}", A, StringComparison.Ordinal)
            .Replace("{B}", B, StringComparison.Ordinal)
            .Replace("{CA}", ChannelA, StringComparison.Ordinal)
            .Replace("{RA}", RoleA, StringComparison.Ordinal)
            .Replace("{RB}", RoleB, StringComparison.Ordinal)
            .Replace("{M}", Member.Id, StringComparison.Ordinal)
            .Replace("{X}", Outsider.Id, StringComparison.Ordinal);

        public async Task<string> SnapshotAsync() => string.Join(
            "\n",
            await Owner.GetAsync($"/communities/{A}"),
            await Owner.GetAsync($"/communities/{B}"),
            await Owner.GetAsync($"/communities/{A}/members"),
            await Owner.GetAsync($"/communities/{B}/members"),
            await Owner.GetAsync($"/communities/{A}/bans"),
            await Owner.GetAsync($"/communities/{A}/invites"),
            await Owner.GetAsync($"/communities/{A}/audit-log"),
            await Owner.GetAsync($"/communities/{B}/audit-log"),
            (await Owner.GetAsync("/users/@me/communities")).GetArrayLength());
    }
}
