using Chaos.Communities;
using Chaos.Errors;
using Chaos.Permissions;
using Chaos.Tests.Infrastructure;
using P = Chaos.Permissions.Permissions;

namespace Chaos.Tests.Communities;

/// <summary>The Community grain enforces every right itself when called directly, bypassing the REST layer.</summary>
[Collection(InvitesServer.Name)]
public sealed class CommunityGrainDirectCallTests(ApiFixture fixture)
{
    [Fact]
    public async Task CommunityGrain_CalledDirectlyByAnUnpermittedUser_RefusesWithTheRestCodes()
    {
        var client = fixture.Server.Services.GetRequiredService<IGrainFactory>();
        var owner = await CommunityGrainKit.RegisterAsync(client, "boss");
        var member = await CommunityGrainKit.RegisterAsync(client, "pawn");
        var other = await CommunityGrainKit.RegisterAsync(client, "peer");
        var admin = await CommunityGrainKit.RegisterAsync(client, "admin");
        var outsider = await CommunityGrainKit.RegisterAsync(client, "stranger");
        var banned = await CommunityGrainKit.RegisterAsync(client, "banned");
        var communityId = CommunityGrainKit.NewId();
        var community = client.GetGrain<ICommunityGrain>(communityId);
        var created = await community.CreateAsync(owner, "Guarded", null);
        var invite = await community.CreateInviteAsync(owner, 0, 0, CommunityGrainKit.NewInviteCode());
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
            (ErrorCodes.NotAMember, () => community.CreateInviteAsync(outsider, 0, 0, CommunityGrainKit.NewInviteCode())),
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
            (ErrorCodes.NotFound, () => client.GetGrain<ICommunityGrain>(CommunityGrainKit.NewId()).GetAsync(owner)),
        };
        foreach (var (code, call) in coded)
        {
            (await Should.ThrowAsync<ChaosException>(call)).Code.ShouldBe(code);
        }

        (await SnapshotAsync(community, owner)).ShouldBe(before);
    }

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
            string.Join(";", view.Channels.Select(CommunityGrainKit.Describe)),
            string.Join(";", members.Select(m => $"{m.User.Id}:{string.Join(",", m.RoleIds)}")),
            string.Join(";", bans.Select(b => b.User.Id)),
            string.Join(";", audit.Select(a => a.Id)),
            string.Join(";", invites));
    }
}
