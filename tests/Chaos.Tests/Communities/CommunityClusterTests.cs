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
/// that hosts it.
/// </summary>
[StartsEarly]
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
            var owner = await CommunityGrainKit.RegisterAsync(client, "owner");
            var users = new List<long>();
            for (var i = 0; i < 4; i++)
            {
                users.Add(await CommunityGrainKit.RegisterAsync(client, $"m{i}"));
            }

            var communityId = CommunityGrainKit.NewId();
            var community = client.GetGrain<ICommunityGrain>(communityId);
            await community.CreateAsync(owner, "Durable", "survives a crash");
            var role = await community.CreateRoleAsync(owner, new RoleChange("keeper", P.KickMembers | P.ViewAuditLog, null, 0x00FF00, true));
            var channel = await community.CreateChannelAsync(owner, "vault", ChannelType.Text, "kept", 0);
            await community.SetOverwriteAsync(owner, channel.Id, new ChannelOverwrite(communityId, OverwriteType.Role, P.None, P.SendMessages));
            var invite = await community.CreateInviteAsync(owner, 10, 3600, CommunityGrainKit.NewInviteCode());
            var spare = await community.CreateInviteAsync(owner, 0, 0, CommunityGrainKit.NewInviteCode());
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
            after.Channels.Select(CommunityGrainKit.Describe).ShouldBe(before.Channels.Select(CommunityGrainKit.Describe));
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
}
