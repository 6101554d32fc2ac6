using Chaos.Permissions;
using static Chaos.Tests.Permissions.PermissionTestCommunity;
using P = Chaos.Permissions.Permissions;

namespace Chaos.Tests.Permissions;

public class PermissionCalculatorTests
{
    // Channel tables use a deliberately small @everyone so that each expected value can be read off the row.
    private const P V = P.ViewChannel;
    private const P S = P.SendMessages;
    private const P R = P.ReadMessageHistory;
    private const P A = P.AttachFiles;
    private const P M = P.ManageMessages;
    private const P Base = V | S | R;

    private const long RoleA = 11;
    private const long RoleB = 12;
    private const long RoleMod = 13;

    private static readonly RoleInfo[] ChannelRoles =
    [
        new(EveryoneId, 0, Base),
        new(RoleA, 1, A),
        new(RoleB, 2, P.None),
        new(RoleMod, 3, M),
    ];

    public static TheoryData<string, long, long[], P> BaseCases => new()
    {
        { "owner without roles gets everything", OwnerId, [], PermissionSets.All },
        { "no roles: @everyone only", UserId, [], PermissionSets.EveryoneDefault },
        { "one role is OR'd onto @everyone", UserId, [HelperId], PermissionSets.EveryoneDefault | P.ManageChannels },
        {
            "every role is OR'd", UserId, [HelperId, ModeratorId],
            PermissionSets.EveryoneDefault | P.ManageChannels | P.KickMembers | P.ManageMessages
        },
        { "a role without permissions adds nothing", UserId, [MutedId], PermissionSets.EveryoneDefault },
        { "unknown role ids are ignored", UserId, [DeletedRoleId, 12345], PermissionSets.EveryoneDefault },
        { "unknown ids do not hide known ones", UserId, [DeletedRoleId, TopId], PermissionSets.EveryoneDefault | P.ViewAuditLog },
        { "@everyone listed as a member role changes nothing", UserId, [EveryoneId], PermissionSets.EveryoneDefault },
        { "Administrator through a role gives everything", UserId, [AdminId], PermissionSets.All },
        { "Administrator next to an empty role gives everything", UserId, [MutedId, AdminId], PermissionSets.All },
    };

    [Theory]
    [MemberData(nameof(BaseCases))]
    public void ComputeBase_FollowsTheRules(string scenario, long userId, long[] roleIds, P expected)
    {
        PermissionCalculator.ComputeBase(Member(userId, roleIds)).ShouldBe(expected, scenario);
    }

    [Fact]
    public void ComputeBase_Owner_GetsAllEvenWhenEveryoneHasNothing()
    {
        RoleInfo[] roles = [new(EveryoneId, 0, P.None)];

        PermissionCalculator.ComputeBase(MemberOf(roles, OwnerId)).ShouldBe(PermissionSets.All);
    }

    [Fact]
    public void ComputeBase_AdministratorOnEveryone_GivesEveryMemberAll()
    {
        RoleInfo[] roles = [new(EveryoneId, 0, P.Administrator)];

        PermissionCalculator.ComputeBase(MemberOf(roles, UserId)).ShouldBe(PermissionSets.All);
    }

    [Fact]
    public void ComputeBase_WithoutAnEveryoneRole_UsesOnlyTheMembersRoles()
    {
        RoleInfo[] roles = [new(RoleA, 1, A)];

        PermissionCalculator.ComputeBase(MemberOf(roles, UserId, RoleA)).ShouldBe(A);
    }

    public static TheoryData<string, long[], PermissionOverwrite[], P> ChannelCases => new()
    {
        { "no overwrites: the base permissions", [], [], Base },
        { "no overwrites: roles are OR'd", [RoleA, RoleMod], [], Base | A | M },
        { "@everyone deny removes a base bit", [], [EveryoneOverwrite(P.None, S)], V | R },
        { "@everyone deny also removes a bit a role granted", [RoleMod], [EveryoneOverwrite(P.None, M)], Base },
        { "@everyone allow adds a bit", [], [EveryoneOverwrite(A, P.None)], Base | A },
        { "@everyone deny then allow: allow wins within one overwrite", [], [EveryoneOverwrite(A | S, S)], Base | A },
        { "role deny beats @everyone allow", [RoleA], [EveryoneOverwrite(M, P.None), RoleOverwrite(RoleA, P.None, M)], Base | A },
        { "role allow beats @everyone deny", [RoleA], [EveryoneOverwrite(P.None, S), RoleOverwrite(RoleA, S, P.None)], Base | A },
        {
            "a role's allow beats another role's deny (allowing role first)", [RoleA, RoleB],
            [RoleOverwrite(RoleA, M, P.None), RoleOverwrite(RoleB, P.None, M)], Base | A | M
        },
        {
            "a role's allow beats another role's deny (denying role first)", [RoleB, RoleA],
            [RoleOverwrite(RoleB, P.None, M), RoleOverwrite(RoleA, M, P.None)], Base | A | M
        },
        { "role denies are OR'd", [RoleA, RoleB], [RoleOverwrite(RoleA, P.None, S), RoleOverwrite(RoleB, P.None, R)], V | A },
        { "member allow beats role deny", [RoleA], [RoleOverwrite(RoleA, P.None, S), MemberOverwrite(UserId, S, P.None)], Base | A },
        { "member deny beats role allow", [RoleA], [RoleOverwrite(RoleA, M, P.None), MemberOverwrite(UserId, P.None, M)], Base | A },
        { "member deny beats @everyone allow", [], [EveryoneOverwrite(M, P.None), MemberOverwrite(UserId, P.None, M)], Base },
        { "member deny then allow: allow wins within one overwrite", [], [MemberOverwrite(UserId, M, M)], Base | M },
        { "overwrite of a role the member lacks is ignored", [], [RoleOverwrite(RoleB, P.None, S)], Base },
        { "overwrite of another member is ignored", [], [MemberOverwrite(OtherUserId, P.None, S)], Base },
        { "a role overwrite whose id is the user's id is ignored", [], [RoleOverwrite(UserId, P.None, S)], Base },
        { "a member overwrite whose id is one of the member's roles is ignored", [RoleA], [MemberOverwrite(RoleA, P.None, S)], Base | A },
        { "a member overwrite whose id is the community id is not @everyone's", [], [MemberOverwrite(CommunityId, P.None, S)], Base },
        { "overwrite of a deleted role the member still lists is ignored", [DeletedRoleId], [RoleOverwrite(DeletedRoleId, P.None, S)], Base },
        {
            "@everyone among the member's roles cannot make its allow beat a role deny", [EveryoneId, RoleA],
            [EveryoneOverwrite(M, P.None), RoleOverwrite(RoleA, P.None, M)], Base | A
        },
        { "two @everyone overwrites are merged (deny first in list)", [], [EveryoneOverwrite(P.None, S), EveryoneOverwrite(S, P.None)], Base },
        { "two @everyone overwrites are merged (allow first in list)", [], [EveryoneOverwrite(S, P.None), EveryoneOverwrite(P.None, S)], Base },
        { "an overwrite cannot grant Administrator", [], [EveryoneOverwrite(P.Administrator, P.None), MemberOverwrite(UserId, P.Administrator, P.None)], Base },
        { "no ViewChannel: nothing, even bits explicitly allowed", [], [EveryoneOverwrite(S | A | M, V)], P.None },
        { "ViewChannel denied on @everyone but allowed for a role", [RoleA], [EveryoneOverwrite(P.None, V), RoleOverwrite(RoleA, V, P.None)], Base | A },
        {
            "ViewChannel allowed by a role but denied to the member", [RoleA],
            [EveryoneOverwrite(P.None, V), RoleOverwrite(RoleA, V, P.None), MemberOverwrite(UserId, P.None, V)], P.None
        },
        {
            "ViewChannel denied to @everyone and role but allowed to the member", [RoleA],
            [EveryoneOverwrite(P.None, V), RoleOverwrite(RoleA, P.None, V), MemberOverwrite(UserId, V, P.None)], Base | A
        },
        { "ViewChannel denied by a role: nothing, whatever the member allows", [RoleA], [RoleOverwrite(RoleA, P.None, V), MemberOverwrite(UserId, S | M, P.None)], P.None },
    };

    [Theory]
    [MemberData(nameof(ChannelCases))]
    public void ComputeChannel_AppliesOverwritesInDiscordOrder(string scenario, long[] roleIds, PermissionOverwrite[] overwrites, P expected)
    {
        PermissionCalculator.ComputeChannel(MemberOf(ChannelRoles, UserId, roleIds), overwrites).ShouldBe(expected, scenario);
    }

    [Fact]
    public void ComputeChannel_Owner_GetsAllEvenWhenEveryOverwriteDeniesEverything()
    {
        PermissionOverwrite[] overwrites =
        [
            EveryoneOverwrite(P.None, PermissionSets.All),
            RoleOverwrite(RoleA, P.None, PermissionSets.All),
            MemberOverwrite(OwnerId, P.None, PermissionSets.All),
        ];

        PermissionCalculator.ComputeChannel(MemberOf(ChannelRoles, OwnerId, RoleA), overwrites).ShouldBe(PermissionSets.All);
    }

    [Fact]
    public void ComputeChannel_AdministratorThroughAnyRole_OverridesDenyingOverwrites()
    {
        PermissionOverwrite[] overwrites =
        [
            EveryoneOverwrite(P.None, PermissionSets.All),
            RoleOverwrite(AdminId, P.None, PermissionSets.All),
            MemberOverwrite(UserId, P.None, PermissionSets.All),
        ];

        PermissionCalculator.ComputeChannel(Member(UserId, MutedId, AdminId), overwrites).ShouldBe(PermissionSets.All);
    }

    [Fact]
    public void ComputeChannel_EveryoneWithoutViewChannel_IsNoneWithoutOverwrites()
    {
        RoleInfo[] roles = [new(EveryoneId, 0, S | R | A)];

        PermissionCalculator.ComputeChannel(MemberOf(roles, UserId), []).ShouldBe(P.None);
    }

    [Fact]
    public void ComputeChannel_SharedCommunityMemberWithoutOverwrites_GetsItsBasePermissions()
    {
        PermissionCalculator.ComputeChannel(Member(UserId, HelperId), [])
            .ShouldBe(PermissionSets.EveryoneDefault | P.ManageChannels);
    }
}
