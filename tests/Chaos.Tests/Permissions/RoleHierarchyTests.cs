using Chaos.Permissions;
using static Chaos.Tests.Permissions.PermissionTestCommunity;

namespace Chaos.Tests.Permissions;

public class RoleHierarchyTests
{
    public static TheoryData<string, long[], int> HighestPositionCases => new()
    {
        { "no roles ranks with @everyone", [], 0 },
        { "@everyone alone is position 0", [EveryoneId], 0 },
        { "a single role", [HelperId], 1 },
        { "the highest of several, in any order", [TopId, HelperId, ModeratorId], 4 },
        { "unknown role ids are ignored", [DeletedRoleId, HelperId], 1 },
        { "only unknown role ids ranks with @everyone", [DeletedRoleId], 0 },
    };

    [Theory]
    [MemberData(nameof(HighestPositionCases))]
    public void HighestRolePosition_IsTheTopExistingRole(string scenario, long[] roleIds, int expected)
    {
        PermissionCalculator.HighestRolePosition(Roles, roleIds).ShouldBe(expected, scenario);
        PermissionCalculator.HighestRolePosition(Member(UserId, roleIds)).ShouldBe(expected, scenario);
    }

    public static TheoryData<string, long, long[], int, bool> RoleCases => new()
    {
        { "a role strictly below the actor's highest", UserId, [ModeratorId], 1, true },
        { "@everyone is below any real role", UserId, [HelperId], 0, true },
        { "the actor's own highest role (equal position)", UserId, [ModeratorId], 2, false },
        { "a role above the actor", UserId, [ModeratorId], 3, false },
        { "without roles not even @everyone", UserId, [], 0, false },
        { "a low extra role does not lower the rank", UserId, [HelperId, TopId], 3, true },
        { "Administrator does not lift the hierarchy", UserId, [AdminId], 4, false },
        { "Administrator still manages roles below it", UserId, [AdminId], 2, true },
        { "only unknown role ids grant no rank", UserId, [DeletedRoleId], 0, false },
        { "the owner manages any role, however high", OwnerId, [], 1000, true },
        { "the owner manages @everyone", OwnerId, [], 0, true },
    };

    [Theory]
    [MemberData(nameof(RoleCases))]
    public void CanManageRole_RequiresAStrictlyHigherRole(string scenario, long actorId, long[] actorRoleIds, int targetPosition, bool expected)
    {
        PermissionCalculator.CanManageRole(Member(actorId, actorRoleIds), targetPosition).ShouldBe(expected, scenario);
    }

    public static TheoryData<string, long, long[], long, long[], bool> MemberCases => new()
    {
        { "higher role manages a lower one", UserId, [ModeratorId], OtherUserId, [HelperId], true },
        { "lower role cannot manage a higher one", UserId, [HelperId], OtherUserId, [ModeratorId], false },
        { "equal positions cannot manage each other", UserId, [ModeratorId], OtherUserId, [ModeratorId], false },
        { "different roles at an equal position cannot manage each other", UserId, [HelperId], OtherUserId, [MutedId], false },
        { "any role manages a member without roles", UserId, [HelperId], OtherUserId, [], true },
        { "two members without roles cannot manage each other", UserId, [], OtherUserId, [], false },
        { "the target's unknown role ids are ignored", UserId, [HelperId], OtherUserId, [DeletedRoleId], true },
        { "the target's highest role counts, not its first", UserId, [ModeratorId], OtherUserId, [HelperId, TopId], false },
        { "Administrator does not lift the hierarchy", UserId, [AdminId], OtherUserId, [TopId], false },
        { "nobody manages themself", UserId, [TopId], UserId, [TopId], false },
        { "the owner manages the highest member", OwnerId, [], OtherUserId, [TopId, AdminId], true },
        { "the owner manages a member without roles", OwnerId, [], OtherUserId, [], true },
        { "nobody manages the owner, not even the top role", UserId, [TopId], OwnerId, [], false },
        { "Administrator cannot manage the owner", UserId, [AdminId], OwnerId, [], false },
        { "the owner cannot target themself (no self-kick or self-ban)", OwnerId, [], OwnerId, [], false },
    };

    [Theory]
    [MemberData(nameof(MemberCases))]
    public void CanManageMember_FollowsTheHierarchy(
        string scenario, long actorId, long[] actorRoleIds, long targetId, long[] targetRoleIds, bool expected)
    {
        PermissionCalculator.CanManageMember(Member(actorId, actorRoleIds), targetId, targetRoleIds).ShouldBe(expected, scenario);
    }
}
