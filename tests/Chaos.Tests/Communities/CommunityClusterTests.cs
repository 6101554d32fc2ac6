using Chaos.Accounts;
using Chaos.Communities;
using Chaos.Errors;
using Chaos.Permissions;
using Chaos.Tests.Infrastructure;
using Orleans.TestingHost;
using P = Chaos.Permissions.Permissions;

namespace Chaos.Tests.Communities;

/// <summary>
/// The Community grain on a real 2-silo cluster on PostgreSQL: its state and member rows survive killing the silo
/// that hosts it, and it enforces every right itself when called directly, bypassing the REST layer.
/// </summary>
public sealed class CommunityClusterTests
{
    [Fact]
    public async Task CommunityStateAndMemberRows_SurviveKillingTheSiloHostingTheCommunity()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        var cluster = await ChaosTestCluster.StartAsync(connectionString);
        try
        {
            cluster.GetActiveSilos().Count().ShouldBe(2);
            var client = cluster.Client;
            var owner = await RegisterAsync(client, "owner");
            var users = new List<long>();
            for (var i = 0; i < 4; i++)
            {
                users.Add(await RegisterAsync(client, $"m{i}"));
            }

            var communityId = NewId();
            var community = client.GetGrain<ICommunityGrain>(communityId);
            await community.CreateAsync(owner, "Durable", "survives a crash");
            var role = await community.CreateRoleAsync(owner, new RoleChange("keeper", P.KickMembers | P.ViewAuditLog, null, 0x00FF00, true));
            var channel = await community.CreateChannelAsync(owner, "vault", ChannelType.Text, "kept", 0);
            await community.SetOverwriteAsync(owner, channel.Id, new ChannelOverwrite(communityId, OverwriteType.Role, P.None, P.SendMessages));
            var invite = await community.CreateInviteAsync(owner, 10, 3600);
            var spare = await community.CreateInviteAsync(owner, 0, 0);
            foreach (var user in users.Take(3))
            {
                await community.AcceptInviteAsync(user, invite.Code);
            }

            await community.AddMemberRoleAsync(owner, users[0], role.Id);
            await community.BanAsync(owner, users[2], "gone for good");

            var before = await community.GetAsync(owner);
            var membersBefore = await community.GetMembersAsync(owner, null, 100);
            var invitesBefore = await community.GetInvitesAsync(owner);
            var bansBefore = await community.GetBansAsync(owner, null, 100);
            var auditBefore = await community.GetAuditLogAsync(owner, null, 100);
            before.MemberCount.ShouldBe(3);
            membersBefore.Select(m => m.User.Id).Order().ShouldBe(new[] { owner, users[0], users[1] }.Order());
            invitesBefore.Single(i => i.Code == invite.Code).Uses.ShouldBe(3);

            // Kill -9 the silo that hosts the community grain: no graceful hand-off of anything in memory.
            var management = client.GetGrain<IManagementGrain>(0);
            var host = await management.GetActivationAddress(community);
            host.ShouldNotBeNull();
            await cluster.KillSiloAsync(cluster.GetActiveSilos().Single(s => s.SiloAddress.Equals(host)));

            var after = await Eventually.ReturnsAsync(
                () => community.GetAsync(owner), c => c is not null, TimeSpan.FromSeconds(90), "the community grain to come back on the surviving silo");
            (await management.GetActivationAddress(community)).ShouldNotBe(host);

            (after.Name, after.Description, after.OwnerId, after.CreatedAt, after.MemberCount).ShouldBe((before.Name, before.Description, before.OwnerId, before.CreatedAt, 3));
            after.Roles.ShouldBe(before.Roles);
            after.Channels.Select(Describe).ShouldBe(before.Channels.Select(Describe));
            after.Channels.Single(c => c.Id == channel.Id).Overwrites.ShouldHaveSingleItem().ShouldBe(new ChannelOverwrite(communityId, OverwriteType.Role, P.None, P.SendMessages));
            (await community.GetInvitesAsync(owner)).ShouldBe(invitesBefore);
            var membersAfter = await community.GetMembersAsync(owner, null, 100);
            membersAfter.Select(m => (m.User, string.Join(",", m.RoleIds), m.JoinedAt)).ShouldBe(membersBefore.Select(m => (m.User, string.Join(",", m.RoleIds), m.JoinedAt)));
            membersAfter.Single(m => m.User.Id == users[0]).RoleIds.ShouldBe([role.Id]);
            (await community.GetBansAsync(owner, null, 100)).ShouldBe(bansBefore);
            (await community.GetAuditLogAsync(owner, null, 100)).Select(e => (e.Id, e.Action, e.TargetId, e.Reason)).ShouldBe(auditBefore.Select(e => (e.Id, e.Action, e.TargetId, e.Reason)));

            // The lookups that route /channels/{id} and /invites/{code} survived too, and the grain keeps working.
            (await client.GetGrain<IChannelGrain>(channel.Id).GetCommunityIdAsync()).ShouldBe(communityId);
            (await client.GetGrain<IInviteGrain>(InviteKey.For(spare.Code)).GetCommunityIdAsync()).ShouldBe(communityId);
            (await community.AcceptInviteAsync(users[3], invite.Code)).MemberCount.ShouldBe(4);
            (await community.GetInvitesAsync(owner)).Single(i => i.Code == invite.Code).Uses.ShouldBe(4);
            (await Should.ThrowAsync<ChaosException>(() => community.AcceptInviteAsync(users[2], spare.Code))).Code.ShouldBe(ErrorCodes.Banned);
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task CommunityGrain_CalledDirectlyByAnUnpermittedUser_RefusesWithTheRestCodes()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync();
        var cluster = await ChaosTestCluster.StartAsync(connectionString);
        try
        {
            var client = cluster.Client;
            var owner = await RegisterAsync(client, "boss");
            var member = await RegisterAsync(client, "pawn");
            var other = await RegisterAsync(client, "peer");
            var admin = await RegisterAsync(client, "admin");
            var outsider = await RegisterAsync(client, "stranger");
            var banned = await RegisterAsync(client, "banned");
            var communityId = NewId();
            var community = client.GetGrain<ICommunityGrain>(communityId);
            var created = await community.CreateAsync(owner, "Guarded", null);
            var invite = await community.CreateInviteAsync(owner, 0, 0);
            foreach (var user in new[] { member, other, admin, banned })
            {
                await community.AcceptInviteAsync(user, invite.Code);
            }

            var adminRole = await community.CreateRoleAsync(owner, new RoleChange("admin", P.Administrator, null, null, null));
            await community.AddMemberRoleAsync(owner, admin, adminRole.Id);
            var lowRole = await community.CreateRoleAsync(owner, new RoleChange("low", P.None, 1, null, null));
            var hidden = await community.CreateChannelAsync(owner, "hidden", ChannelType.Text, null, null);
            await community.SetOverwriteAsync(owner, hidden.Id, new ChannelOverwrite(communityId, OverwriteType.Role, P.None, P.ViewChannel));
            await community.BanAsync(owner, banned, null);
            var channelId = created.Channels[0].Id;
            var before = await SnapshotAsync(community, owner);

            var missing = new (string Permission, Func<Task> Call)[]
            {
                ("ManageCommunity", () => community.UpdateAsync(member, "Mine now", null)),
                ("ManageChannels", () => community.CreateChannelAsync(member, "mine", ChannelType.Text, null, null)),
                ("ManageChannels", () => community.UpdateChannelAsync(member, channelId, new ChannelChange("mine", null, null))),
                ("ManageChannels", () => community.DeleteChannelAsync(member, channelId)),
                ("ManageRoles", () => community.SetOverwriteAsync(member, channelId, new ChannelOverwrite(member, OverwriteType.Member, P.Administrator, P.None))),
                ("ManageRoles", () => community.DeleteOverwriteAsync(member, hidden.Id, communityId)),
                ("ManageRoles", () => community.CreateRoleAsync(member, new RoleChange("mine", P.Administrator, null, null, null))),
                ("ManageRoles", () => community.UpdateRoleAsync(member, communityId, new RoleChange(null, PermissionSets.All, null, null, null))),
                ("ManageRoles", () => community.DeleteRoleAsync(member, lowRole.Id)),
                ("ManageRoles", () => community.AddMemberRoleAsync(member, member, adminRole.Id)),
                ("ManageRoles", () => community.RemoveMemberRoleAsync(member, admin, adminRole.Id)),
                ("KickMembers", () => community.KickAsync(member, other, null)),
                ("BanMembers", () => community.BanAsync(member, other, null)),
                ("BanMembers", () => community.UnbanAsync(member, banned)),
                ("BanMembers", () => community.GetBansAsync(member, null, 10)),
                ("ManageCommunity", () => community.GetInvitesAsync(member)),
                ("ManageCommunity", () => community.RevokeInviteAsync(member, invite.Code)),
                ("ViewAuditLog", () => community.GetAuditLogAsync(member, null, 10)),
                ("ViewChannel", () => community.GetChannelAsync(member, hidden.Id)),
            };
            foreach (var (permission, call) in missing)
            {
                var refused = await Should.ThrowAsync<ChaosException>(call);
                (refused.Code, refused.Permission).ShouldBe((ErrorCodes.MissingPermission, permission));
            }

            var coded = new (string Code, Func<Task> Call)[]
            {
                (ErrorCodes.NotAMember, () => community.GetAsync(outsider)),
                (ErrorCodes.NotAMember, () => community.GetMembersAsync(outsider, null, 10)),
                (ErrorCodes.NotAMember, () => community.CreateInviteAsync(outsider, 0, 0)),
                (ErrorCodes.NotAMember, () => community.GetChannelAsync(outsider, channelId)),
                (ErrorCodes.NotAMember, () => community.LeaveAsync(outsider)),
                (ErrorCodes.NotAMember, () => community.GetPermissionsAsync(outsider, null)),
                (ErrorCodes.NotAMember, () => community.UpdateAsync(banned, "Revenge", null)),
                (ErrorCodes.Forbidden, () => community.DeleteAsync(member)),
                (ErrorCodes.Forbidden, () => community.DeleteAsync(admin)),
                (ErrorCodes.Forbidden, () => community.KickAsync(admin, owner, null)),
                (ErrorCodes.Forbidden, () => community.BanAsync(admin, owner, null)),
                (ErrorCodes.Forbidden, () => community.LeaveAsync(owner)),
                (ErrorCodes.Banned, () => community.AcceptInviteAsync(banned, invite.Code)),
                (ErrorCodes.InviteInvalid, () => community.AcceptInviteAsync(outsider, "AAAAAAAAAA")),
                (ErrorCodes.NotFound, () => client.GetGrain<ICommunityGrain>(NewId()).GetAsync(owner)),
            };
            foreach (var (code, call) in coded)
            {
                (await Should.ThrowAsync<ChaosException>(call)).Code.ShouldBe(code);
            }

            (await SnapshotAsync(community, owner)).ShouldBe(before);
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }

    private static long NewId() => Random.Shared.NextInt64(1L << 40, long.MaxValue);

    /// <summary>Users must exist in the user directory for member and ban listings, exactly as registration makes them.</summary>
    private static async Task<long> RegisterAsync(IClusterClient client, string prefix)
    {
        var id = NewId();
        await client.GetGrain<IUsernameGrain>(UsernameKey.For(TestUser.UniqueName(prefix))).RegisterAsync(id, prefix, "password-123");
        return id;
    }

    private static string Describe(Channel c) =>
        $"{c.Id}|{c.Type}|{c.CommunityId}|{c.Name}|{c.Topic}|{c.Position}|{string.Join(";", c.Overwrites.Select(o => $"{o.Id}:{o.Type}:{o.Allow}:{o.Deny}"))}";

    private static async Task<string> SnapshotAsync(ICommunityGrain community, long owner)
    {
        var view = await community.GetAsync(owner);
        var members = await community.GetMembersAsync(owner, null, 100);
        var bans = await community.GetBansAsync(owner, null, 100);
        var audit = await community.GetAuditLogAsync(owner, null, 100);
        var invites = await community.GetInvitesAsync(owner);
        return string.Join(
            "\n",
            $"{view.Name}|{view.Description}|{view.MemberCount}",
            string.Join(";", view.Roles),
            string.Join(";", view.Channels.Select(Describe)),
            string.Join(";", members.Select(m => $"{m.User.Id}:{string.Join(",", m.RoleIds)}")),
            string.Join(";", bans.Select(b => b.User.Id)),
            string.Join(";", audit.Select(a => a.Id)),
            string.Join(";", invites));
    }
}
