using Chaos.Communities;
using Chaos.Tests.Infrastructure;

namespace Chaos.Tests.Communities;

/// <summary>The behaviour every <see cref="ICommunityStore"/> must have; run once per implementation.</summary>
public abstract class CommunityStoreBehaviour
{
    /// <summary>Microsecond precision, which is what timestamptz keeps.</summary>
    private static readonly DateTimeOffset At = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    protected abstract ICommunityStore Store { get; }

    [Fact]
    public async Task AddMember_ThenGet_IsAMemberWithoutNicknameOrRoles()
    {
        var (community, user) = (FreshId.Next(), FreshId.Next());

        (await Store.AddMemberAsync(community, user, At)).ShouldBeTrue();

        var row = (await Store.GetMemberAsync(community, user)).ShouldNotBeNull();
        (row.CommunityId, row.UserId, row.Nickname, row.JoinedAt).ShouldBe((community, user, (string?)null, At));
        row.RoleIds.ShouldBeEmpty();
    }

    [Fact]
    public async Task AddMember_Again_IsNotAdded_AndKeepsTheFirstJoinTime()
    {
        var (community, user) = (FreshId.Next(), FreshId.Next());
        await Store.AddMemberAsync(community, user, At);

        (await Store.AddMemberAsync(community, user, At.AddDays(1))).ShouldBeFalse();

        (await Store.GetMemberAsync(community, user)).ShouldNotBeNull().JoinedAt.ShouldBe(At);
    }

    [Fact]
    public async Task GetMember_OfSomeoneWhoIsNotAMemberThere_IsNull()
    {
        var (community, other, user) = (FreshId.Next(), FreshId.Next(), FreshId.Next());
        await Store.AddMemberAsync(other, user, At);

        (await Store.GetMemberAsync(community, user)).ShouldBeNull();
        (await Store.GetMemberAsync(other, FreshId.Next())).ShouldBeNull();
    }

    [Fact]
    public async Task RemoveMember_SaysWhetherThereWasOneToRemove()
    {
        var (community, user) = (FreshId.Next(), FreshId.Next());
        await Store.AddMemberAsync(community, user, At);

        (await Store.RemoveMemberAsync(community, user)).ShouldBeTrue();
        (await Store.RemoveMemberAsync(community, user)).ShouldBeFalse();
        (await Store.GetMemberAsync(community, user)).ShouldBeNull();
    }

    [Fact]
    public async Task GetMembers_AreInUserIdOrder_AfterTheCursor_UpToTheLimit()
    {
        var community = FreshId.Next();
        var users = FreshId.Many(4);
        foreach (var user in new[] { users[2], users[0], users[3], users[1] })
        {
            await Store.AddMemberAsync(community, user, At);
        }

        (await Store.GetMembersAsync(community, 0, 10)).Select(m => m.UserId).ShouldBe(users);
        (await Store.GetMembersAsync(community, users[1], 1)).Select(m => m.UserId).ShouldBe([users[2]]);
        (await Store.GetMembersAsync(community, users[3], 10)).ShouldBeEmpty();
    }

    [Fact]
    public async Task SetMemberRoles_ReplacesTheRolesInTheGivenOrder_AndCreatesNoMember()
    {
        var (community, user, stranger) = (FreshId.Next(), FreshId.Next(), FreshId.Next());
        await Store.AddMemberAsync(community, user, At);

        await Store.SetMemberRolesAsync(community, user, [30, 10, 20]);
        (await Store.GetMemberAsync(community, user)).ShouldNotBeNull().RoleIds.ShouldBe([30, 10, 20]);
        await Store.SetMemberRolesAsync(community, user, [10]);
        (await Store.GetMemberAsync(community, user)).ShouldNotBeNull().RoleIds.ShouldBe([10]);

        await Store.SetMemberRolesAsync(community, stranger, [10]);
        (await Store.GetMemberAsync(community, stranger)).ShouldBeNull();
    }

    [Fact]
    public async Task RemoveRoleEverywhere_TakesTheRoleFromEveryMemberOfThatCommunityOnly()
    {
        var (community, other) = (FreshId.Next(), FreshId.Next());
        var (a, b) = (FreshId.Next(), FreshId.Next());
        foreach (var (c, u) in new[] { (community, a), (community, b), (other, a) })
        {
            await Store.AddMemberAsync(c, u, At);
        }

        await Store.SetMemberRolesAsync(community, a, [1, 2, 3]);
        await Store.SetMemberRolesAsync(community, b, [2]);
        await Store.SetMemberRolesAsync(other, a, [2]);

        await Store.RemoveRoleEverywhereAsync(community, 2);

        (await Store.GetMemberAsync(community, a)).ShouldNotBeNull().RoleIds.ShouldBe([1, 3]);
        (await Store.GetMemberAsync(community, b)).ShouldNotBeNull().RoleIds.ShouldBeEmpty();
        (await Store.GetMemberAsync(other, a)).ShouldNotBeNull().RoleIds.ShouldBe([2]);
    }

    [Fact]
    public async Task GetCommunityIdsOfUser_AreTheirCommunitiesInIdOrder()
    {
        var user = FreshId.Next();
        var communities = FreshId.Many(3);
        foreach (var community in communities.AsEnumerable().Reverse())
        {
            await Store.AddMemberAsync(community, user, At);
        }

        await Store.AddMemberAsync(FreshId.Next(), FreshId.Next(), At);

        (await Store.GetCommunityIdsOfUserAsync(user)).ShouldBe(communities);
        (await Store.GetCommunityIdsOfUserAsync(FreshId.Next())).ShouldBeEmpty();
    }

    /// <summary>Callers only ask whether a user reached the limit, so a store reads no more than one past it.</summary>
    [Fact]
    public async Task GetCommunityIdsOfUser_StopsOnePastTheMembershipLimit()
    {
        var user = FreshId.Next();
        var communities = FreshId.Many(CommunityRules.MaxCommunitiesPerUser + 2);
        foreach (var community in communities)
        {
            await Store.AddMemberAsync(community, user, At);
        }

        (await Store.GetCommunityIdsOfUserAsync(user)).ShouldBe(communities.Take(CommunityRules.MaxCommunitiesPerUser + 1));
    }

    [Fact]
    public async Task Ban_RemovesTheMembership_AndSaysWhetherThereWasOne()
    {
        var (community, member, outsider, moderator) = (FreshId.Next(), FreshId.Next(), FreshId.Next(), FreshId.Next());
        await Store.AddMemberAsync(community, member, At);

        (await Store.BanAsync(new BanRecord(community, member, moderator, "spam", At))).ShouldBeTrue();
        (await Store.BanAsync(new BanRecord(community, outsider, moderator, null, At))).ShouldBeFalse();

        (await Store.GetMemberAsync(community, member)).ShouldBeNull();
        (await Store.IsBannedAsync(community, member)).ShouldBeTrue();
        (await Store.IsBannedAsync(community, outsider)).ShouldBeTrue();
        (await Store.IsBannedAsync(FreshId.Next(), member)).ShouldBeFalse();
    }

    [Fact]
    public async Task Ban_Again_TakesTheNewReasonAndModerator_AndKeepsWhenTheBanBegan()
    {
        var (community, user, first, second) = (FreshId.Next(), FreshId.Next(), FreshId.Next(), FreshId.Next());
        await Store.BanAsync(new BanRecord(community, user, first, "spam", At));

        await Store.BanAsync(new BanRecord(community, user, second, "more spam", At.AddHours(1)));

        var ban = (await Store.GetBansAsync(community, 0, 10)).ShouldHaveSingleItem();
        ban.ShouldBe(new BanRecord(community, user, second, "more spam", At));
    }

    [Fact]
    public async Task Unban_SaysWhetherThereWasABan()
    {
        var (community, user) = (FreshId.Next(), FreshId.Next());
        await Store.BanAsync(new BanRecord(community, user, FreshId.Next(), null, At));

        (await Store.UnbanAsync(community, user)).ShouldBeTrue();
        (await Store.UnbanAsync(community, user)).ShouldBeFalse();
        (await Store.IsBannedAsync(community, user)).ShouldBeFalse();
    }

    [Fact]
    public async Task GetBans_AreInUserIdOrder_AfterTheCursor_UpToTheLimit_WithEveryField()
    {
        var (community, moderator) = (FreshId.Next(), FreshId.Next());
        var users = FreshId.Many(3);
        foreach (var user in users.AsEnumerable().Reverse())
        {
            await Store.BanAsync(new BanRecord(community, user, moderator, user == users[1] ? null : $"reason {user}", At.AddMinutes(user % 7)));
        }

        var bans = await Store.GetBansAsync(community, 0, 10);

        bans.ShouldBe(users.Select(u => new BanRecord(community, u, moderator, u == users[1] ? null : $"reason {u}", At.AddMinutes(u % 7))));
        (await Store.GetBansAsync(community, users[0], 1)).Select(b => b.UserId).ShouldBe([users[1]]);
    }

    [Fact]
    public async Task AppendAudit_ThenGet_RoundTripsEveryField()
    {
        var community = FreshId.Next();
        var full = Audit(community, FreshId.Next(), "member.kick", targetId: 77, reason: "héllo 🌍", changes: new() { ["name"] = new("old", null), ["topic"] = new(null, "new") });
        var bare = Audit(community, FreshId.Next(), "invite.create");

        await Store.AppendAuditAsync(full);
        await Store.AppendAuditAsync(bare);

        var page = await Store.GetAuditAsync(community, null, 10);
        page.Count.ShouldBe(2);
        ShouldMatch(page[0], full);
        ShouldMatch(page[1], bare);
    }

    [Fact]
    public async Task GetAudit_IsTheEntriesJustOlderThanTheCursor_OldestFirst()
    {
        var community = FreshId.Next();
        var entries = FreshId.Many(5).Select(id => Audit(community, id, "role.update")).ToList();
        foreach (var entry in entries.AsEnumerable().Reverse())
        {
            await Store.AppendAuditAsync(entry);
        }

        await Store.AppendAuditAsync(Audit(FreshId.Next(), FreshId.Next(), "role.update"));

        (await Store.GetAuditAsync(community, null, 2)).Select(e => e.Id).ShouldBe([entries[3].Id, entries[4].Id]);
        (await Store.GetAuditAsync(community, entries[3].Id, 2)).Select(e => e.Id).ShouldBe([entries[1].Id, entries[2].Id]);
        (await Store.GetAuditAsync(community, entries[0].Id, 2)).ShouldBeEmpty();
    }

    [Fact]
    public async Task DeleteCommunity_RemovesItsMembersBansAndAudit_AndNothingElse()
    {
        var (community, other, user, banned) = (FreshId.Next(), FreshId.Next(), FreshId.Next(), FreshId.Next());
        foreach (var c in new[] { community, other })
        {
            await Store.AddMemberAsync(c, user, At);
            await Store.BanAsync(new BanRecord(c, banned, user, null, At));
            await Store.AppendAuditAsync(Audit(c, FreshId.Next(), "member.ban"));
        }

        await Store.DeleteCommunityAsync(community);

        (await Store.GetMemberAsync(community, user)).ShouldBeNull();
        (await Store.IsBannedAsync(community, banned)).ShouldBeFalse();
        (await Store.GetAuditAsync(community, null, 10)).ShouldBeEmpty();
        (await Store.GetCommunityIdsOfUserAsync(user)).ShouldBe([other]);
        (await Store.IsBannedAsync(other, banned)).ShouldBeTrue();
        (await Store.GetAuditAsync(other, null, 10)).Count.ShouldBe(1);
    }

    private static AuditEntry Audit(long communityId, long id, string action, long? targetId = null, string? reason = null, Dictionary<string, AuditChange>? changes = null) =>
        new(id, communityId, 5, action, targetId, reason, changes ?? [], At.AddTicks(id % 1_000_000 * 10));

    private static void ShouldMatch(AuditEntry actual, AuditEntry expected)
    {
        (actual with { Changes = expected.Changes }).ShouldBe(expected);
        actual.Changes.OrderBy(c => c.Key).ShouldBe(expected.Changes.OrderBy(c => c.Key));
    }
}
